// The rows of one table as the grid sees them: fetched a page at a time, only for the part
// of the table in view, and patched in place by the user's edits and the websocket's events.

import { api } from "../api/client";
import type { Row, RowPage } from "../api/types";

export const PAGE_SIZE = 100;

export interface RowQuery {
  search: string;
  orderBy: string;
  filters: string | null;
}

export class RowCache {
  private pages = new Map<number, Row[]>();
  private inFlight = new Set<number>();
  private generation = 0;
  private listeners = new Set<() => void>();
  private wanted: [number, number] = [0, 0];
  count: number | null = null;
  version = 0;

  constructor(
    private readonly tableId: number,
    private query: RowQuery,
    private readonly onError: (error: unknown) => void,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed(): void {
    this.version += 1;
    this.listeners.forEach((listener) => listener());
  }

  /** A new search, sort or filter: forget every row and start again from the top. */
  setQuery(query: RowQuery): void {
    this.query = query;
    this.generation += 1;
    this.pages.clear();
    this.inFlight.clear();
    this.count = null;
    this.changed();
    void this.load(1, this.generation);
  }

  rowAt(index: number): Row | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE) + 1)?.[index % PAGE_SIZE];
  }

  private url(page: number): string {
    const params = new URLSearchParams({ page: String(page), size: String(PAGE_SIZE) });
    if (this.query.search) params.set("search", this.query.search);
    if (this.query.orderBy) params.set("order_by", this.query.orderBy);
    if (this.query.filters) params.set("filters", this.query.filters);
    return `/api/database/rows/table/${this.tableId}/?${params}`;
  }

  private async load(page: number, generation: number): Promise<void> {
    if (this.inFlight.has(page)) return;
    this.inFlight.add(page);
    try {
      const answer = await api.get<RowPage>(this.url(page));
      if (generation !== this.generation) return;
      this.pages.set(page, answer.results);
      this.count = answer.count;
      this.changed();
    } catch (error) {
      if (generation === this.generation) {
        this.onError(error);
        if (this.count === null) {
          this.count = 0;
          this.changed();
        }
      }
    } finally {
      if (generation === this.generation) this.inFlight.delete(page);
    }
  }

  private pagesFor(first: number, last: number): number[] {
    const pages: number[] = [];
    const lastIndex = Math.max(first, Math.min(last, (this.count ?? 1) - 1));
    for (let page = Math.floor(first / PAGE_SIZE) + 1; page <= Math.floor(lastIndex / PAGE_SIZE) + 1; page += 1) {
      pages.push(page);
    }
    return pages;
  }

  /** Make sure the rows first..last (indexes) are loaded or on their way. */
  ensure(first: number, last: number): void {
    this.wanted = [first, last];
    for (const page of this.pagesFor(first, last)) {
      if (!this.pages.has(page)) void this.load(page, this.generation);
    }
  }

  /** Something changed that may move rows (created, deleted, reconnected): refetch what is in
   * view, and drop the other pages, which are now of unknown content. The rows on screen
   * stay until their fresh copy arrives, so the grid does not blink or jump. */
  refresh(): void {
    const keep = new Set(this.pagesFor(...this.wanted));
    if (keep.size === 0) keep.add(1);
    for (const page of [...this.pages.keys()]) if (!keep.has(page)) this.pages.delete(page);
    this.generation += 1;
    this.inFlight.clear();
    const generation = this.generation;
    for (const page of keep) void this.load(page, generation);
  }

  /** Put fresh copies of rows where they are (an edit, or another user's update). */
  replaceRows(rows: Row[]): void {
    const byId = new Map(rows.map((row) => [row.id, row]));
    let hit = false;
    for (const [page, list] of this.pages) {
      if (!list.some((row) => byId.has(row.id))) continue;
      hit = true;
      this.pages.set(page, list.map((row) => ({ ...row, ...(byId.get(row.id) ?? {}) }) as Row));
    }
    if (hit) this.changed();
  }

  /** The loaded page numbers, for tests of what was fetched. */
  loadedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }
}
