// The workspaces and databases (with their tables) the user sees in the sidebar, kept
// fresh by reloading after the user's own changes and on the websocket's events.

import { useEffect, useState } from "react";
import { api } from "../api/client";
import { realtime } from "../api/realtime";
import type { Database, Workspace } from "../api/types";
import { showError } from "../ui/notify";

export interface Tree {
  loaded: boolean;
  workspaces: Workspace[];
  databases: Database[];
}

const RELOAD_ON = /^(group_|groups_|application_|applications_|table_|tables_)/;

let tree: Tree = { loaded: false, workspaces: [], databases: [] };
const listeners = new Set<(tree: Tree) => void>();
let loading: Promise<void> | null = null;
let again = false;

const byOrder = <T extends { order: number; id: number }>(a: T, b: T) => a.order - b.order || a.id - b.id;

export function reloadTree(): Promise<void> {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    try {
      const [workspaces, applications] = await Promise.all([
        api.get<Workspace[]>("/api/workspaces/"),
        api.get<Database[]>("/api/applications/"),
      ]);
      const databases = applications
        .filter((app) => app.type === "database")
        .map((db) => ({ ...db, tables: [...(db.tables ?? [])].sort(byOrder) }))
        .sort(byOrder);
      tree = { loaded: true, workspaces: [...workspaces].sort(byOrder), databases };
      listeners.forEach((listener) => listener(tree));
    } catch (error) {
      showError(error);
    } finally {
      loading = null;
      if (again) {
        again = false;
        void reloadTree();
      }
    }
  })();
  return loading;
}

realtime.onMessage((message) => {
  if (RELOAD_ON.test(message.type)) void reloadTree();
});
realtime.onReconnect(() => void reloadTree());

export function resetTree(): void {
  tree = { loaded: false, workspaces: [], databases: [] };
  listeners.forEach((listener) => listener(tree));
}

export function useTree(): Tree {
  const [state, setState] = useState(tree);
  useEffect(() => {
    listeners.add(setState);
    if (!tree.loaded) void reloadTree();
    return () => {
      listeners.delete(setState);
    };
  }, []);
  return state;
}

export function findTable(state: Tree, tableId: number) {
  for (const database of state.databases) {
    const table = database.tables.find((t) => t.id === tableId);
    if (table) return { database, table };
  }
  return null;
}
