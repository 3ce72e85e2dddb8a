// In-place editors, one per kind of field. Each keeps its own draft, so a live update of the
// row (from another user) never overwrites what the user is typing.

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { api } from "../api/client";
import type { Field, LinkValue, Row, RowPage, SelectOption } from "../api/types";
import { showError } from "../ui/notify";
import { OptionChip } from "./format";

export interface EditorProps {
  field: Field;
  value: unknown;
  /** A first key typed on a selected cell, which replaces the value. */
  initialText: string | null;
  save: (value: unknown) => void;
  cancel: () => void;
}

const pad = (n: number) => String(n).padStart(2, "0");

function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function textOf(field: Field, value: unknown): string {
  if (value == null) return "";
  if (field.type === "duration" && typeof value === "number") {
    const hours = Math.floor(value / 3600);
    const minutes = Math.floor((value % 3600) / 60);
    const seconds = Math.round(value % 60);
    return (field.duration_format ?? "h:mm").includes("ss")
      ? `${hours}:${pad(minutes)}:${pad(seconds)}`
      : `${hours}:${pad(minutes)}`;
  }
  return String(value);
}

/** What the API wants for the text typed into a field of this type. */
function parseText(field: Field, text: string): unknown {
  if (["number", "duration"].includes(field.type)) return text.trim() === "" ? null : text.trim();
  if (field.type === "rating") return text.trim() === "" ? 0 : Number(text);
  if (["url", "email", "phone_number"].includes(field.type)) return text;
  return text === "" ? null : text;
}

/** Text, long text, number, rating, URL, email, phone, duration. */
export function TextEditor(props: EditorProps) {
  const multiline = props.field.type === "long_text";
  const [draft, setDraft] = useState(props.initialText ?? textOf(props.field, props.value));
  const done = useRef(false);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (save) props.save(parseText(props.field, draft));
    else props.cancel();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape") finish(false);
    if (event.key === "Enter" && !(multiline && event.shiftKey)) {
      event.preventDefault();
      finish(true);
    }
    event.stopPropagation();
  };
  const common = {
    className: "cell-editor",
    value: draft,
    autoFocus: true,
    "aria-label": `Edit ${props.field.name}`,
    onBlur: () => finish(true),
    onKeyDown,
  };
  if (multiline) return <textarea {...common} onChange={(event) => setDraft(event.target.value)} />;
  const numeric = ["number", "rating"].includes(props.field.type);
  return (
    <input
      {...common}
      inputMode={numeric ? "decimal" : undefined}
      type={props.field.type === "email" ? "email" : "text"}
      onChange={(event) => setDraft(event.target.value)}
      onFocus={(event) => props.initialText === null && event.target.select()}
    />
  );
}

/** The browser's own date (or date and time) picker. */
export function DateEditor(props: EditorProps) {
  const withTime = Boolean(props.field.date_include_time);
  const initial = typeof props.value === "string" ? (withTime ? toLocalInput(props.value) : props.value.slice(0, 10)) : "";
  const [draft, setDraft] = useState(initial);
  const done = useRef(false);
  const finish = (save: boolean) => {
    if (done.current) return;
    done.current = true;
    if (!save) return props.cancel();
    if (draft === "") return props.save(null);
    props.save(withTime ? new Date(draft).toISOString() : draft);
  };
  return (
    <input
      className="cell-editor"
      type={withTime ? "datetime-local" : "date"}
      aria-label={`Edit ${props.field.name}`}
      value={draft}
      autoFocus
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => finish(true)}
      onKeyDown={(event) => {
        if (event.key === "Escape") finish(false);
        if (event.key === "Enter") finish(true);
        event.stopPropagation();
      }}
    />
  );
}

/** Close a popup editor on Escape or a click elsewhere. */
function usePopupClose(ref: React.RefObject<HTMLElement | null>, close: () => void): void {
  useEffect(() => {
    const onDown = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) close();
    };
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === "Escape" || event.key === "Enter") close();
    };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [ref, close]);
}

/** Single select: a list of the field's coloured options. */
export function SingleSelectEditor(props: EditorProps) {
  const ref = useRef<HTMLDivElement>(null);
  usePopupClose(ref, props.cancel);
  const current = props.value as SelectOption | null;
  return (
    <div className="popup" ref={ref} role="listbox" aria-label={`Choose ${props.field.name}`}>
      {(props.field.select_options ?? []).map((option) => (
        <button
          key={option.id}
          className="option"
          role="option"
          aria-selected={current?.id === option.id}
          onClick={() => props.save(option.id)}
        >
          <OptionChip option={option} />
        </button>
      ))}
      {current && <button className="option" onClick={() => props.save(null)}>Clear</button>}
      {(props.field.select_options ?? []).length === 0 && <span className="hint">No options: add them in the field's settings.</span>}
    </div>
  );
}

/** Multiple select: tick the options; each change is saved at once. */
export function MultipleSelectEditor(props: EditorProps) {
  const ref = useRef<HTMLDivElement>(null);
  usePopupClose(ref, props.cancel);
  // The choice is kept here, so quick clicks build on each other, not on a stale row.
  const [chosenIds, setChosenIds] = useState(() => ((props.value as SelectOption[] | null) ?? []).map((option) => option.id));
  const chosen = new Set(chosenIds);
  const toggle = (id: number) => {
    const next = chosen.has(id) ? chosenIds.filter((other) => other !== id) : [...chosenIds, id];
    setChosenIds(next);
    props.save(next);
  };
  return (
    <div className="popup" ref={ref} aria-label={`Choose ${props.field.name}`}>
      {(props.field.select_options ?? []).map((option) => (
        <label key={option.id} className="inline">
          <input type="checkbox" checked={chosen.has(option.id)} onChange={() => toggle(option.id)} />
          <OptionChip option={option} />
        </label>
      ))}
    </div>
  );
}

/** Link to table: the linked rows as chips, and a search of the other table to add more. */
export function LinkEditor(props: EditorProps) {
  const ref = useRef<HTMLDivElement>(null);
  usePopupClose(ref, props.cancel);
  const [linked, setLinked] = useState<LinkValue[]>(() => (props.value as LinkValue[] | null) ?? []);
  const [search, setSearch] = useState("");
  const [candidates, setCandidates] = useState<Row[]>([]);
  const targetTable = props.field.link_row_table_id;
  const primary = props.field.link_row_table_primary_field;

  useEffect(() => {
    if (!targetTable) return;
    let stale = false;
    const timer = window.setTimeout(() => {
      const params = new URLSearchParams({ size: "20" });
      if (search) params.set("search", search);
      api
        .get<RowPage>(`/api/database/rows/table/${targetTable}/?${params}`)
        .then((page) => !stale && setCandidates(page.results))
        .catch(showError);
    }, 150);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [search, targetTable]);

  const ids = linked.map((item) => item.id);
  const change = (next: LinkValue[]) => {
    setLinked(next);
    props.save(next.map((item) => item.id));
  };
  const label = (row: Row) => {
    const value = primary ? row[`field_${primary.id}`] : null;
    return value == null || value === "" ? `Row ${row.id}` : String(value);
  };
  return (
    <div className="popup" ref={ref} aria-label={`Link ${props.field.name}`}>
      <div className="chosen">
        {linked.map((item) => (
          <span key={item.id} className="chip">
            {item.value || `Row ${item.id}`}
            <button className="icon" aria-label={`Unlink ${item.value || item.id}`} onClick={() => change(linked.filter((other) => other.id !== item.id))}>×</button>
          </span>
        ))}
      </div>
      <input
        type="search"
        placeholder="Search rows to link"
        aria-label="Search rows to link"
        value={search}
        autoFocus
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => event.stopPropagation()}
      />
      {candidates
        .filter((row) => !ids.includes(row.id))
        .map((row) => (
          <button key={row.id} className="option" onClick={() => change([...linked, { id: row.id, value: label(row) }])}>
            {label(row)}
          </button>
        ))}
    </div>
  );
}

export function editorFor(field: Field): ((props: EditorProps) => React.JSX.Element) | null {
  switch (field.type) {
    case "date":
      return DateEditor;
    case "single_select":
      return SingleSelectEditor;
    case "multiple_select":
      return MultipleSelectEditor;
    case "link_row":
      return LinkEditor;
    case "boolean":
      return null;
    default:
      return TextEditor;
  }
}

/** Whether typing on a selected cell of this field starts its editor with that key. */
export function typedIntoEditor(field: Field): boolean {
  return !["date", "single_select", "multiple_select", "link_row", "boolean"].includes(field.type);
}
