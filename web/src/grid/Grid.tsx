import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { api, ApiError } from "../api/client";
import type { Field, Row, Table } from "../api/types";
import { ConfirmDialog } from "../ui/Modal";
import { Menu } from "../ui/Menu";
import { showError } from "../ui/notify";
import { editorFor, typedIntoEditor } from "./editors";
import { FieldDialog } from "./FieldDialog";
import { formatCell, isEditable } from "./format";
import type { RowCache } from "./rowCache";

export const ROW_HEIGHT = 33;
// While the user drags the scrollbar, wait for the view to settle before fetching rows.
const FETCH_DELAY_MS = 60;
// Editors that stay open after each change (they edit a list).
const LIST_EDITORS = new Set(["multiple_select", "link_row"]);
// Types whose new value can be shown before the server answers.
const OPTIMISTIC = new Set(["text", "long_text", "url", "email", "phone_number", "boolean", "date"]);

interface CellRef {
  rowId: number;
  index: number;
  fieldId: number;
}

interface Editing extends CellRef {
  initialText: string | null;
}

export function Grid(props: {
  tableId: number;
  fields: Field[];
  tables: Table[];
  cache: RowCache;
  version: number;
  onFieldsChanged: () => void;
}) {
  const { cache, fields, tableId } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [selected, setSelected] = useState<CellRef | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [dialog, setDialog] = useState<ReactNode>(null);
  const count = cache.count ?? 0;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;

  useEffect(() => {
    if (!count) return;
    const timer = window.setTimeout(() => cache.ensure(first, last), FETCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [cache, first, last, count, props.version]);

  const closeDialog = () => setDialog(null);

  // Saves of one row go out one after the other, so the last edit is the one that stays.
  const queues = useRef(new Map<number, Promise<void>>());
  const saveCell = (row: Row, field: Field, value: unknown): Promise<void> => {
    const key = `field_${field.id}`;
    if (OPTIMISTIC.has(field.type)) cache.replaceRows([{ ...row, [key]: value } as Row]);
    const previous = queues.current.get(row.id) ?? Promise.resolve();
    const next = previous.then(() => sendCell(row, field, value));
    queues.current.set(row.id, next);
    void next.then(() => {
      if (queues.current.get(row.id) === next) queues.current.delete(row.id);
    });
    return next;
  };

  const sendCell = async (row: Row, field: Field, value: unknown) => {
    const key = `field_${field.id}`;
    try {
      const updated = await api.patch<Row>(`/api/database/rows/table/${tableId}/${row.id}/`, { [key]: value });
      cache.replaceRows([updated]);
    } catch (error) {
      // The API names the cell `field_<id>`: say the field's name instead.
      if (error instanceof ApiError) showError(new Error(`${field.name}: ${error.message.replace(/^field_\d+: /, "")}`));
      else showError(error);
      const fresh = await api.get<Row>(`/api/database/rows/table/${tableId}/${row.id}/`).catch(() => null);
      cache.replaceRows([fresh ?? row]);
    }
  };

  const addRow = async () => {
    try {
      await api.post(`/api/database/rows/table/${tableId}/`, {});
      cache.refresh();
      const target = count;
      window.setTimeout(() => virtualizer.scrollToIndex(target, { align: "end" }), 50);
    } catch (error) {
      showError(error);
    }
  };

  const deleteRow = async (row: Row) => {
    try {
      await api.delete(`/api/database/rows/table/${tableId}/${row.id}/`);
      if (selected?.rowId === row.id) setSelected(null);
      cache.refresh();
    } catch (error) {
      showError(error);
    }
  };

  const editField = (field: Field | null) =>
    setDialog(
      <FieldDialog tableId={tableId} field={field} tables={props.tables} onDone={props.onFieldsChanged} onClose={closeDialog} />,
    );

  const deleteField = (field: Field) =>
    setDialog(
      <ConfirmDialog
        title="Delete field"
        message={<>Delete the field <b>{field.name}</b> and its values?</>}
        confirmLabel="Delete"
        onClose={closeDialog}
        onConfirm={async () => {
          await api.delete(`/api/database/fields/${field.id}/`);
          props.onFieldsChanged();
        }}
      />,
    );

  const startEditing = (cell: CellRef, initialText: string | null = null) => {
    const field = fields.find((f) => f.id === cell.fieldId);
    const row = cache.rowAt(cell.index);
    if (!field || !row || !isEditable(field)) return;
    if (field.type === "boolean") {
      void saveCell(row, field, !row[`field_${field.id}`]);
      return;
    }
    setEditing({ ...cell, initialText });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (editing || !selected) return;
    const column = fields.findIndex((f) => f.id === selected.fieldId);
    const move = (index: number, col: number) => {
      const row = cache.rowAt(index);
      const field = fields[col];
      if (!row || !field) return;
      setSelected({ rowId: row.id, index, fieldId: field.id });
      virtualizer.scrollToIndex(index);
    };
    if (event.key === "ArrowDown") move(Math.min(selected.index + 1, count - 1), column);
    else if (event.key === "ArrowUp") move(Math.max(selected.index - 1, 0), column);
    else if (event.key === "ArrowRight" || event.key === "Tab") move(selected.index, Math.min(column + 1, fields.length - 1));
    else if (event.key === "ArrowLeft") move(selected.index, Math.max(column - 1, 0));
    else if (event.key === "Enter" || event.key === "F2") startEditing(selected);
    else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey) {
      const field = fields[column];
      if (field && typedIntoEditor(field)) startEditing(selected, event.key);
      else return;
    } else return;
    event.preventDefault();
  };

  const renderCell = (row: Row, index: number, field: Field) => {
    const key = `field_${field.id}`;
    const value = row[key];
    const isSelected = selected?.rowId === row.id && selected.fieldId === field.id;
    const isEditing = editing?.rowId === row.id && editing.fieldId === field.id;
    const editable = isEditable(field);
    const classes = ["cell", `type-${field.type}`];
    if (isSelected) classes.push("selected");
    if (isEditing) classes.push("editing");
    if (!editable) classes.push("read-only");
    if (field.type === "number" || field.type === "rating") classes.push("number");
    const cell: CellRef = { rowId: row.id, index, fieldId: field.id };
    let content: ReactNode;
    if (field.type === "boolean") {
      content = (
        <input
          type="checkbox"
          aria-label={`${field.name} of row ${index + 1}`}
          checked={Boolean(value)}
          disabled={!editable}
          onChange={(event) => void saveCell(row, field, event.target.checked)}
        />
      );
    } else if (isEditing) {
      const Editor = editorFor(field)!;
      const finish = () => {
        setEditing(null);
        scrollRef.current?.focus();
      };
      content = (
        <>
          {LIST_EDITORS.has(field.type) && <span className="text">{formatCell(field, value)}</span>}
          <Editor
            field={field}
            value={value}
            initialText={editing.initialText}
            cancel={finish}
            save={(next) => {
              void saveCell(row, field, next);
              if (!LIST_EDITORS.has(field.type)) finish();
            }}
          />
        </>
      );
    } else {
      content = <span className="text">{formatCell(field, value)}</span>;
    }
    return (
      <div
        key={field.id}
        role="gridcell"
        className={classes.join(" ")}
        data-field={field.name}
        aria-readonly={!editable || undefined}
        onMouseDown={() => {
          if (!isEditing) setSelected(cell);
        }}
        onDoubleClick={() => !isEditing && startEditing(cell)}
      >
        {content}
      </div>
    );
  };

  const width = 56 + fields.length * 200 + 44;
  return (
    <>
      <div
        className="grid-scroll"
        ref={scrollRef}
        tabIndex={0}
        role="grid"
        aria-rowcount={count}
        aria-label="Rows"
        onKeyDown={onKeyDown}
      >
        <div className="grid-header" role="row" style={{ width }}>
          <div className="head-cell head-number" role="columnheader">#</div>
          {fields.map((field) => (
            <div key={field.id} className="head-cell" role="columnheader" data-field={field.name} title={field.type}>
              <span className="field-name">{field.name}</span>
              <Menu
                label={`Field ${field.name} menu`}
                items={[
                  { label: "Edit field", onSelect: () => editField(field) },
                  { label: "Delete field", danger: true, disabled: field.primary, onSelect: () => deleteField(field) },
                ]}
              />
            </div>
          ))}
          <div className="head-cell add-field">
            <button className="icon" aria-label="Add field" title="Add field" onClick={() => editField(null)}>+</button>
          </div>
        </div>
        <div className="grid-body" style={{ height: virtualizer.getTotalSize(), width }}>
          {items.map((item) => {
            const row = cache.rowAt(item.index);
            return (
              <div
                key={row ? `r${row.id}` : `i${item.index}`}
                className="grid-row"
                role="row"
                data-index={item.index}
                data-row-id={row?.id}
                style={{ transform: `translateY(${item.start}px)`, width, zIndex: row && editing?.rowId === row.id ? 20 : undefined }}
              >
                <div className="cell row-number">
                  <span className="number">{item.index + 1}</span>
                  {row && (
                    <button className="icon row-delete" aria-label={`Delete row ${item.index + 1}`} title="Delete row" onClick={() => void deleteRow(row)}>×</button>
                  )}
                </div>
                {row
                  ? fields.map((field) => renderCell(row, item.index, field))
                  : fields.map((field) => <div key={field.id} className="cell row-loading">…</div>)}
              </div>
            );
          })}
        </div>
      </div>
      <div className="grid-footer">
        <button onClick={() => void addRow()}>+ Add row</button>
      </div>
      {dialog}
    </>
  );
}
