import { useState, type ReactNode } from "react";
import { api } from "../api/client";
import type { Database, Table, Workspace } from "../api/types";
import { ConfirmDialog, NameDialog } from "../ui/Modal";
import { Menu, type MenuItem } from "../ui/Menu";
import { showError } from "../ui/notify";
import { navigate } from "../ui/router";
import { reloadTree, useTree } from "./tree";

type Open = (dialog: ReactNode) => void;

/** Swap an item with its neighbour and return the new order of ids. */
function moved<T extends { id: number }>(items: T[], index: number, step: -1 | 1): number[] {
  const ids = items.map((item) => item.id);
  const target = index + step;
  [ids[index], ids[target]] = [ids[target], ids[index]];
  return ids;
}

function reorderItems<T extends { id: number }>(items: T[], index: number, save: (ids: number[]) => Promise<unknown>): MenuItem[] {
  const run = (step: -1 | 1) => () => void save(moved(items, index, step)).then(reloadTree).catch(showError);
  return [
    { label: "Move up", onSelect: run(-1), disabled: index === 0 },
    { label: "Move down", onSelect: run(1), disabled: index === items.length - 1 },
  ];
}

/** Workspaces, their databases and their tables, each with a menu of what can be done. */
export function Sidebar(props: { activeTableId: number | null }) {
  const tree = useTree();
  const [dialog, setDialog] = useState<ReactNode>(null);
  const open: Open = setDialog;
  const close = () => setDialog(null);

  const createWorkspace = () =>
    open(
      <NameDialog
        title="New workspace"
        label="Name"
        submitLabel="Create"
        onClose={close}
        onSubmit={async (name) => {
          await api.post("/api/workspaces/", { name });
          await reloadTree();
        }}
      />,
    );

  return (
    <nav className="sidebar" aria-label="Workspaces">
      <div className="sidebar-heading">
        <span>Workspaces</span>
        <button className="icon" aria-label="New workspace" title="New workspace" onClick={createWorkspace}>+</button>
      </div>
      {tree.loaded && tree.workspaces.length === 0 && (
        <p className="hint">No workspace yet. <button className="link" onClick={createWorkspace}>Create one</button></p>
      )}
      <ul className="tree">
        {tree.workspaces.map((workspace, index) => (
          <WorkspaceItem
            key={workspace.id}
            workspace={workspace}
            reorder={reorderItems(tree.workspaces, index, (ids) => api.post("/api/workspaces/order/", { workspaces: ids }))}
            databases={tree.databases.filter((db) => db.workspace.id === workspace.id)}
            activeTableId={props.activeTableId}
            open={open}
            close={close}
          />
        ))}
      </ul>
      {dialog}
    </nav>
  );
}

function WorkspaceItem(props: {
  workspace: Workspace;
  databases: Database[];
  reorder: MenuItem[];
  activeTableId: number | null;
  open: Open;
  close: () => void;
}) {
  const { workspace, open, close } = props;
  const newDatabase = () =>
    open(
      <NameDialog
        title="New database"
        label="Name"
        submitLabel="Create"
        onClose={close}
        onSubmit={async (name) => {
          await api.post(`/api/applications/workspace/${workspace.id}/`, { name, type: "database" });
          await reloadTree();
        }}
      />,
    );
  const items: MenuItem[] = [
    { label: "New database", onSelect: newDatabase },
    {
      label: "Rename",
      onSelect: () =>
        open(
          <NameDialog
            title="Rename workspace"
            label="Name"
            initial={workspace.name}
            submitLabel="Save"
            onClose={close}
            onSubmit={async (name) => {
              await api.patch(`/api/workspaces/${workspace.id}/`, { name });
              await reloadTree();
            }}
          />,
        ),
    },
    ...props.reorder,
    {
      label: "Delete",
      danger: true,
      onSelect: () =>
        open(
          <ConfirmDialog
            title="Delete workspace"
            message={<>Delete <b>{workspace.name}</b> with all its databases and tables?</>}
            confirmLabel="Delete"
            onClose={close}
            onConfirm={async () => {
              await api.delete(`/api/workspaces/${workspace.id}/`);
              await reloadTree();
            }}
          />,
        ),
    },
  ];
  return (
    <li className="workspace" data-workspace-id={workspace.id}>
      <div className="tree-row workspace-row">
        <span className="tree-label" title={workspace.name}>{workspace.name}</span>
        <Menu label={`Workspace ${workspace.name} menu`} items={items} />
      </div>
      <ul>
        {props.databases.map((database, index) => (
          <DatabaseItem
            key={database.id}
            database={database}
            reorder={reorderItems(props.databases, index, (ids) =>
              api.post(`/api/applications/workspace/${workspace.id}/order/`, { application_ids: ids }))}
            activeTableId={props.activeTableId}
            open={open}
            close={close}
          />
        ))}
        {props.databases.length === 0 && (
          <li className="hint"><button className="link" onClick={newDatabase}>+ New database</button></li>
        )}
      </ul>
    </li>
  );
}

function DatabaseItem(props: {
  database: Database;
  reorder: MenuItem[];
  activeTableId: number | null;
  open: Open;
  close: () => void;
}) {
  const { database, open, close } = props;
  const newTable = () =>
    open(
      <NameDialog
        title="New table"
        label="Name"
        submitLabel="Create"
        onClose={close}
        onSubmit={async (name) => {
          const table = await api.post<Table>(`/api/database/tables/database/${database.id}/`, { name });
          await reloadTree();
          navigate(`/table/${table.id}`);
        }}
      />,
    );
  const items: MenuItem[] = [
    { label: "New table", onSelect: newTable },
    { label: "View API Docs", onSelect: () => window.open(`/api-docs/database/${database.id}`, "_blank") },
    {
      label: "Rename",
      onSelect: () =>
        open(
          <NameDialog
            title="Rename database"
            label="Name"
            initial={database.name}
            submitLabel="Save"
            onClose={close}
            onSubmit={async (name) => {
              await api.patch(`/api/applications/${database.id}/`, { name });
              await reloadTree();
            }}
          />,
        ),
    },
    ...props.reorder,
    {
      label: "Delete",
      danger: true,
      onSelect: () =>
        open(
          <ConfirmDialog
            title="Delete database"
            message={<>Delete <b>{database.name}</b> and all its tables?</>}
            confirmLabel="Delete"
            onClose={close}
            onConfirm={async () => {
              await api.delete(`/api/applications/${database.id}/`);
              await reloadTree();
            }}
          />,
        ),
    },
  ];
  return (
    <li className="database" data-database-id={database.id}>
      <div className="tree-row database-row">
        <span className="tree-label" title={database.name}>{database.name}</span>
        <Menu label={`Database ${database.name} menu`} items={items} />
      </div>
      <ul>
        {database.tables.map((table, index) => (
          <TableItem
            key={table.id}
            table={table}
            active={table.id === props.activeTableId}
            reorder={reorderItems(database.tables, index, (ids) =>
              api.post(`/api/database/tables/database/${database.id}/order/`, { table_ids: ids }))}
            open={open}
            close={close}
          />
        ))}
        <li><button className="link add-table" onClick={newTable}>+ New table</button></li>
      </ul>
    </li>
  );
}

function TableItem(props: { table: Table; active: boolean; reorder: MenuItem[]; open: Open; close: () => void }) {
  const { table, open, close } = props;
  const items: MenuItem[] = [
    {
      label: "Rename",
      onSelect: () =>
        open(
          <NameDialog
            title="Rename table"
            label="Name"
            initial={table.name}
            submitLabel="Save"
            onClose={close}
            onSubmit={async (name) => {
              await api.patch(`/api/database/tables/${table.id}/`, { name });
              await reloadTree();
            }}
          />,
        ),
    },
    ...props.reorder,
    {
      label: "Delete",
      danger: true,
      onSelect: () =>
        open(
          <ConfirmDialog
            title="Delete table"
            message={<>Delete the table <b>{table.name}</b> and all its rows?</>}
            confirmLabel="Delete"
            onClose={close}
            onConfirm={async () => {
              await api.delete(`/api/database/tables/${table.id}/`);
              await reloadTree();
              if (props.active) navigate("/");
            }}
          />,
        ),
    },
  ];
  return (
    <li className={`table${props.active ? " active" : ""}`} data-table-id={table.id}>
      <div className="tree-row table-row">
        <a
          className="tree-label"
          href={`/table/${table.id}`}
          title={table.name}
          onClick={(event) => {
            event.preventDefault();
            navigate(`/table/${table.id}`);
          }}
        >
          {table.name}
        </a>
        <Menu label={`Table ${table.name} menu`} items={items} />
      </div>
    </li>
  );
}
