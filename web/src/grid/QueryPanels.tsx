// Filter and sort panels of the grid's toolbar. They edit a plain description of the query;
// the table page turns it into the row list's `filters` and `order_by` parameters.

import type { Field } from "../api/types";

export interface FilterDraft {
  fieldId: number;
  type: string;
  value: string;
}

export interface SortDraft {
  fieldId: number;
  descending: boolean;
}

const TEXT = ["contains", "contains_not", "equal", "not_equal", "empty", "not_empty"];
const NUMBER = ["equal", "not_equal", "higher_than", "lower_than", "empty", "not_empty"];
const DATE = ["date_is", "date_is_before", "date_is_after", "empty", "not_empty"];

const LABELS: Record<string, string> = {
  contains: "contains", contains_not: "doesn't contain", equal: "is", not_equal: "is not",
  empty: "is empty", not_empty: "is not empty", higher_than: "is higher than",
  lower_than: "is lower than", boolean: "is", date_is: "is on", date_is_before: "is before",
  date_is_after: "is after", single_select_equal: "is", single_select_not_equal: "is not",
  multiple_select_has: "has", multiple_select_has_not: "doesn't have",
  link_row_contains: "has a link containing", link_row_not_contains: "has no link containing",
};

export function filterTypesFor(field: Field): string[] {
  switch (field.type) {
    case "number":
    case "rating":
    case "autonumber":
    case "duration":
      return NUMBER;
    case "boolean":
      return ["boolean"];
    case "date":
    case "created_on":
    case "last_modified":
      return DATE;
    case "single_select":
      return ["single_select_equal", "single_select_not_equal", "empty", "not_empty"];
    case "multiple_select":
      return ["multiple_select_has", "multiple_select_has_not", "empty", "not_empty"];
    case "link_row":
      return ["link_row_contains", "link_row_not_contains", "empty", "not_empty"];
    default:
      return TEXT;
  }
}

/** The value as the API wants it: dates carry their time zone and operator. */
export function apiFilterValue(draft: FilterDraft): string {
  if (draft.type.startsWith("date_is")) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    return `${zone}?${draft.value}?exact_date`;
  }
  return draft.value;
}

export function FilterPanel(props: {
  fields: Field[];
  filters: FilterDraft[];
  conjunction: "AND" | "OR";
  onChange: (filters: FilterDraft[], conjunction: "AND" | "OR") => void;
}) {
  const { fields, filters, conjunction } = props;
  const update = (index: number, change: Partial<FilterDraft>) =>
    props.onChange(filters.map((f, i) => (i === index ? { ...f, ...change } : f)), conjunction);
  const add = () => {
    const field = fields[0];
    if (field) props.onChange([...filters, { fieldId: field.id, type: filterTypesFor(field)[0], value: "" }], conjunction);
  };
  return (
    <div className="panel" aria-label="Filters">
      {filters.map((filter, index) => {
        const field = fields.find((f) => f.id === filter.fieldId) ?? fields[0];
        if (!field) return null;
        const types = filterTypesFor(field);
        const needsValue = !["empty", "not_empty"].includes(filter.type);
        return (
          <div className="panel-row" key={index}>
            {index === 0 ? (
              <span className="hint">Where</span>
            ) : index === 1 ? (
              <select aria-label="Combine filters" value={conjunction} onChange={(event) => props.onChange(filters, event.target.value as "AND" | "OR")}>
                <option value="AND">and</option>
                <option value="OR">or</option>
              </select>
            ) : (
              <span className="hint">{conjunction === "AND" ? "and" : "or"}</span>
            )}
            <select
              aria-label={`Filter ${index + 1} field`}
              value={field.id}
              onChange={(event) => {
                const next = fields.find((f) => f.id === Number(event.target.value))!;
                update(index, { fieldId: next.id, type: filterTypesFor(next)[0], value: "" });
              }}
            >
              {fields.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
            </select>
            <select aria-label={`Filter ${index + 1} type`} value={filter.type} onChange={(event) => update(index, { type: event.target.value })}>
              {types.map((type) => <option key={type} value={type}>{LABELS[type] ?? type}</option>)}
            </select>
            {needsValue && <FilterValue field={field} filter={filter} index={index} onChange={(value) => update(index, { value })} />}
            <button className="icon" aria-label={`Remove filter ${index + 1}`} onClick={() => props.onChange(filters.filter((_, i) => i !== index), conjunction)}>×</button>
          </div>
        );
      })}
      <div><button onClick={add}>Add filter</button></div>
    </div>
  );
}

function FilterValue(props: { field: Field; filter: FilterDraft; index: number; onChange: (value: string) => void }) {
  const label = `Filter ${props.index + 1} value`;
  const { field, filter } = props;
  if (filter.type === "boolean") {
    return (
      <input type="checkbox" aria-label={label} checked={filter.value === "1"} onChange={(event) => props.onChange(event.target.checked ? "1" : "0")} />
    );
  }
  if (filter.type.startsWith("single_select") || filter.type.startsWith("multiple_select")) {
    return (
      <select aria-label={label} value={filter.value} onChange={(event) => props.onChange(event.target.value)}>
        <option value="">choose…</option>
        {(field.select_options ?? []).map((option) => <option key={option.id} value={option.id}>{option.value}</option>)}
      </select>
    );
  }
  if (filter.type.startsWith("date_is")) {
    return <input type="date" aria-label={label} value={filter.value} onChange={(event) => props.onChange(event.target.value)} />;
  }
  return <input aria-label={label} value={filter.value} onChange={(event) => props.onChange(event.target.value)} />;
}

export function SortPanel(props: { fields: Field[]; sorts: SortDraft[]; onChange: (sorts: SortDraft[]) => void }) {
  const { fields, sorts } = props;
  const update = (index: number, change: Partial<SortDraft>) =>
    props.onChange(sorts.map((s, i) => (i === index ? { ...s, ...change } : s)));
  const unused = fields.filter((f) => !sorts.some((s) => s.fieldId === f.id));
  return (
    <div className="panel" aria-label="Sorts">
      {sorts.map((sort, index) => (
        <div className="panel-row" key={index}>
          <span className="hint">{index === 0 ? "Sort by" : "then by"}</span>
          <select aria-label={`Sort ${index + 1} field`} value={sort.fieldId} onChange={(event) => update(index, { fieldId: Number(event.target.value) })}>
            {fields.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
          </select>
          <select aria-label={`Sort ${index + 1} direction`} value={sort.descending ? "desc" : "asc"} onChange={(event) => update(index, { descending: event.target.value === "desc" })}>
            <option value="asc">ascending</option>
            <option value="desc">descending</option>
          </select>
          <button className="icon" aria-label={`Remove sort ${index + 1}`} onClick={() => props.onChange(sorts.filter((_, i) => i !== index))}>×</button>
        </div>
      ))}
      <div>
        <button disabled={unused.length === 0} onClick={() => props.onChange([...sorts, { fieldId: unused[0].id, descending: false }])}>Add sort</button>
      </div>
    </div>
  );
}
