import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { api } from "../api/client";
import { realtime, type RealtimeMessage } from "../api/realtime";
import type { Field, Row } from "../api/types";
import { findTable, useTree } from "../sidebar/tree";
import { showError } from "../ui/notify";
import { navigate } from "../ui/router";
import { Grid } from "./Grid";
import { apiFilterValue, FilterPanel, SortPanel, type FilterDraft, type SortDraft } from "./QueryPanels";
import { RowCache, type RowQuery } from "./rowCache";

const SEARCH_DELAY_MS = 250;

function sortFields(fields: Field[]): Field[] {
  return [...fields].sort((a, b) => Number(b.primary) - Number(a.primary) || a.order - b.order || a.id - b.id);
}

function buildQuery(search: string, filters: FilterDraft[], conjunction: "AND" | "OR", sorts: SortDraft[]): RowQuery {
  const complete = filters.filter((f) => ["empty", "not_empty", "boolean"].includes(f.type) || f.value !== "");
  return {
    search,
    orderBy: sorts.map((s) => `${s.descending ? "-" : ""}field_${s.fieldId}`).join(","),
    filters: complete.length
      ? JSON.stringify({
          filter_type: conjunction,
          filters: complete.map((f) => ({ field: f.fieldId, type: f.type, value: apiFilterValue(f) })),
          groups: [],
        })
      : null,
  };
}

/** One table: its toolbar (search, filter, sort) and its grid, kept live over the websocket. */
export function TablePage(props: { tableId: number }) {
  const { tableId } = props;
  const tree = useTree();
  const found = findTable(tree, tableId);
  const [fields, setFields] = useState<Field[] | null>(null);
  const [searchInput, setSearchInput] = useState("");
  const [search, setSearch] = useState("");
  const [filters, setFilters] = useState<FilterDraft[]>([]);
  const [conjunction, setConjunction] = useState<"AND" | "OR">("AND");
  const [sorts, setSorts] = useState<SortDraft[]>([]);
  const [panel, setPanel] = useState<"filter" | "sort" | null>(null);
  const [cache] = useState(() => new RowCache(tableId, { search: "", orderBy: "", filters: null }, showError));
  const version = useSyncExternalStore(cache.subscribe, cache.getVersion);

  const loadFields = useCallback(async () => {
    try {
      setFields(sortFields(await api.get<Field[]>(`/api/database/fields/table/${tableId}/`)));
    } catch (error) {
      showError(error);
    }
  }, [tableId]);

  useEffect(() => {
    void loadFields();
  }, [loadFields]);

  useEffect(() => {
    const timer = window.setTimeout(() => setSearch(searchInput.trim()), SEARCH_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [searchInput]);

  // Filters and sorts on fields that were deleted meanwhile are dropped.
  const known = useMemo(() => new Set((fields ?? []).map((f) => f.id)), [fields]);
  const liveFilters = filters.filter((f) => known.has(f.fieldId));
  const liveSorts = sorts.filter((s) => known.has(s.fieldId));
  const query = buildQuery(search, liveFilters, conjunction, liveSorts);
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    if (fields !== null) cache.setQuery(JSON.parse(queryKey) as RowQuery);
  }, [cache, queryKey, fields === null]); // eslint-disable-line react-hooks/exhaustive-deps

  // Read by the websocket handler, which must not resubscribe on every query change.
  const filtered = useRef(false);
  filtered.current = queryKey !== JSON.stringify({ search: "", orderBy: "", filters: null });

  useEffect(() => {
    const stopWatching = realtime.watchTable(tableId);
    const offMessage = realtime.onMessage((message: RealtimeMessage) => {
      const field = message.field as Field | undefined;
      const about = message.table_id ?? field?.table_id;
      if (about !== tableId) return;
      switch (message.type) {
        case "rows_updated":
          cache.replaceRows(message.rows as Row[]);
          // A sorted or filtered grid may have to move or hide the rows.
          if (filtered.current) cache.refresh();
          break;
        case "rows_created":
        case "rows_deleted":
        case "row_orders_recalculated":
          cache.refresh();
          break;
        case "field_created":
        case "field_updated":
        case "field_deleted":
        case "field_restored":
          void loadFields().then(() => cache.refresh());
          break;
        case "table_deleted":
          navigate("/");
          break;
      }
    });
    const offReconnect = realtime.onReconnect(() => {
      void loadFields();
      cache.refresh();
    });
    return () => {
      stopWatching();
      offMessage();
      offReconnect();
    };
  }, [tableId, cache, loadFields]);

  const tables = found ? found.database.tables : [];
  const count = cache.count;
  return (
    <div className="table-page">
      <div className="toolbar">
        <h2>{found?.table.name ?? ""}</h2>
        <span className="count" aria-label="Row count">{count === null ? "" : `${count} ${count === 1 ? "row" : "rows"}`}</span>
        <button className={panel === "filter" ? "active" : ""} onClick={() => setPanel(panel === "filter" ? null : "filter")}>
          Filter{liveFilters.length ? ` (${liveFilters.length})` : ""}
        </button>
        <button className={panel === "sort" ? "active" : ""} onClick={() => setPanel(panel === "sort" ? null : "sort")}>
          Sort{liveSorts.length ? ` (${liveSorts.length})` : ""}
        </button>
        <span className="spacer" />
        <input type="search" placeholder="Search" aria-label="Search rows" value={searchInput} onChange={(event) => setSearchInput(event.target.value)} />
      </div>
      {panel === "filter" && fields && (
        <FilterPanel
          fields={fields}
          filters={liveFilters}
          conjunction={conjunction}
          onChange={(next, nextConjunction) => {
            setFilters(next);
            setConjunction(nextConjunction);
          }}
        />
      )}
      {panel === "sort" && fields && <SortPanel fields={fields} sorts={liveSorts} onChange={setSorts} />}
      {fields && (
        <Grid tableId={tableId} fields={fields} tables={tables} cache={cache} version={version} onFieldsChanged={() => void loadFields().then(() => cache.refresh())} />
      )}
    </div>
  );
}
