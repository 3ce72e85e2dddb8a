// How a cell's value reads when it is not being edited.

import type { ReactNode } from "react";
import type { Field, SelectOption } from "../api/types";

export const READ_ONLY_TYPES = new Set([
  "created_on", "last_modified", "created_by", "last_modified_by", "autonumber", "uuid",
  "formula", "count", "rollup", "lookup", "file", "ai", "password",
]);

export function isEditable(field: Field): boolean {
  return !field.read_only && !READ_ONLY_TYPES.has(field.type);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A datetime in the viewer's time zone, `YYYY-MM-DD HH:MM`. */
export function localDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatDuration(seconds: number, format = "h:mm"): string {
  const sign = seconds < 0 ? "-" : "";
  let rest = Math.abs(seconds);
  const days = format.startsWith("d") ? Math.floor(rest / 86400) : 0;
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  let text = format.startsWith("d") ? `${days}d ${hours}h` : `${hours}:${pad(minutes)}`;
  if (format.startsWith("d") && format.includes("mm")) text += format.includes(":") ? `:${pad(minutes)}` : ` ${minutes}m`;
  if (format.includes("ss")) {
    const decimals = (format.split(".")[1] ?? "").length;
    const shown = decimals ? secs.toFixed(decimals).padStart(3 + decimals, "0") : pad(Math.floor(secs));
    text += format.includes(":ss") || format.startsWith("h") ? `:${shown}` : ` ${shown}s`;
  }
  return sign + text;
}

export function OptionChip(props: { option: SelectOption }) {
  return <span className={`chip color-${props.option.color}`}>{props.option.value}</span>;
}

function asText(value: unknown): string {
  if (value == null) return "";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(asText).filter(Boolean).join(", ");
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["value", "name", "visible_name", "label", "url"]) {
      if (key in record) return asText(record[key]);
    }
  }
  return JSON.stringify(value);
}

/** The display of a value of `field`, for every field type. */
export function formatCell(field: Field, value: unknown): ReactNode {
  if (value == null || value === "") return null;
  switch (field.type) {
    case "date":
    case "created_on":
    case "last_modified":
      return typeof value === "string" && value.includes("T") ? localDateTime(value) : String(value);
    case "single_select":
      return <OptionChip option={value as SelectOption} />;
    case "multiple_select":
      return (value as SelectOption[]).map((option) => <OptionChip key={option.id} option={option} />);
    case "link_row":
      return (value as Array<{ id: number; value: string }>).map((item) => (
        <span key={item.id} className="chip">{item.value || `#${item.id}`}</span>
      ));
    case "duration":
      return typeof value === "number" ? formatDuration(value, field.duration_format) : String(value);
    case "password":
      return value ? "••••••" : null;
    case "rating": {
      const max = field.max_value ?? 5;
      const n = Number(value);
      return n ? `${n} / ${max}` : null;
    }
    default:
      return asText(value);
  }
}
