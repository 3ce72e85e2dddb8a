import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { FIELD_TYPES, OPTION_COLORS, type Field, type Table } from "../api/types";
import { Modal } from "../ui/Modal";
import { showError } from "../ui/notify";

interface OptionDraft {
  id?: number;
  value: string;
  color: string;
}

/** Create a field, or rename and retype one, with the settings its type needs. */
export function FieldDialog(props: {
  tableId: number;
  field: Field | null;
  tables: Table[];
  onDone: () => void;
  onClose: () => void;
}) {
  const field = props.field;
  const [name, setName] = useState(field?.name ?? "");
  const [type, setType] = useState(field?.type ?? "text");
  const [decimals, setDecimals] = useState(field?.number_decimal_places ?? 0);
  const [negative, setNegative] = useState(field?.number_negative ?? false);
  const [includeTime, setIncludeTime] = useState(field?.date_include_time ?? false);
  const [maxValue, setMaxValue] = useState(field?.max_value ?? 5);
  const [options, setOptions] = useState<OptionDraft[]>(
    field?.select_options?.map((option) => ({ ...option })) ?? [],
  );
  const otherTables = props.tables;
  const [linkTable, setLinkTable] = useState<number | "">(
    field?.link_row_table_id ?? otherTables.find((t) => t.id !== props.tableId)?.id ?? otherTables[0]?.id ?? "",
  );
  const [busy, setBusy] = useState(false);

  const body = (): Record<string, unknown> => {
    const result: Record<string, unknown> = { name: name.trim(), type };
    if (type === "number") Object.assign(result, { number_decimal_places: decimals, number_negative: negative });
    if (type === "date") {
      result.date_include_time = includeTime;
      if (field?.type !== "date") result.date_format = "ISO";
    }
    if (type === "rating") result.max_value = maxValue;
    if (type === "single_select" || type === "multiple_select") {
      result.select_options = options
        .filter((option) => option.value.trim())
        .map((option) => (option.id ? option : { value: option.value, color: option.color }));
    }
    if (type === "link_row") {
      result.link_row_table_id = linkTable === "" ? null : linkTable;
      if (field?.type !== "link_row") result.has_related_field = linkTable !== props.tableId;
    }
    return result;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      if (field) await api.patch(`/api/database/fields/${field.id}/`, body());
      else await api.post(`/api/database/fields/table/${props.tableId}/`, body());
      props.onDone();
      props.onClose();
    } catch (error) {
      showError(error);
      setBusy(false);
    }
  };

  const setOption = (index: number, change: Partial<OptionDraft>) =>
    setOptions(options.map((option, i) => (i === index ? { ...option, ...change } : option)));

  return (
    <Modal title={field ? `Edit field ${field.name}` : "New field"} onClose={props.onClose}>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          Field name
          <input value={name} onChange={(event) => setName(event.target.value)} autoFocus />
        </label>
        <label>
          Field type
          <select value={type} onChange={(event) => setType(event.target.value)}>
            {FIELD_TYPES.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
        {type === "number" && (
          <>
            <label>
              Decimal places
              <input type="number" min={0} max={10} value={decimals} onChange={(event) => setDecimals(Number(event.target.value))} />
            </label>
            <label className="inline">
              <input type="checkbox" checked={negative} onChange={(event) => setNegative(event.target.checked)} />
              Allow negative numbers
            </label>
          </>
        )}
        {type === "date" && (
          <label className="inline">
            <input type="checkbox" checked={includeTime} onChange={(event) => setIncludeTime(event.target.checked)} />
            Include time
          </label>
        )}
        {type === "rating" && (
          <label>
            Maximum
            <input type="number" min={1} max={10} value={maxValue} onChange={(event) => setMaxValue(Number(event.target.value))} />
          </label>
        )}
        {(type === "single_select" || type === "multiple_select") && (
          <fieldset className="options">
            <legend>Options</legend>
            {options.map((option, index) => (
              <div className="panel-row" key={option.id ?? `new-${index}`}>
                <input
                  aria-label={`Option ${index + 1}`}
                  value={option.value}
                  onChange={(event) => setOption(index, { value: event.target.value })}
                />
                <select
                  aria-label={`Colour of option ${index + 1}`}
                  className={`color-${option.color}`}
                  value={option.color}
                  onChange={(event) => setOption(index, { color: event.target.value })}
                >
                  {OPTION_COLORS.map((color) => (
                    <option key={color} value={color}>{color}</option>
                  ))}
                </select>
                <button type="button" className="icon" aria-label={`Remove option ${index + 1}`} onClick={() => setOptions(options.filter((_, i) => i !== index))}>×</button>
              </div>
            ))}
            <button
              type="button"
              onClick={() => setOptions([...options, { value: "", color: OPTION_COLORS[options.length % OPTION_COLORS.length] }])}
            >
              Add option
            </button>
          </fieldset>
        )}
        {type === "link_row" && (
          <label>
            Table to link to
            <select value={linkTable} onChange={(event) => setLinkTable(Number(event.target.value))}>
              {otherTables.map((table) => (
                <option key={table.id} value={table.id}>{table.name}</option>
              ))}
            </select>
          </label>
        )}
        <div className="actions">
          <button type="button" onClick={props.onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{field ? "Save" : "Create"}</button>
        </div>
      </form>
    </Modal>
  );
}
