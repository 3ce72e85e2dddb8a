import { useEffect, useRef, useState, type FormEvent, type ReactNode } from "react";
import { api } from "../api/client";
import type { Database, DatabaseToken, Permission } from "../api/types";
import { useTree } from "../sidebar/tree";
import { ConfirmDialog, NameDialog } from "../ui/Modal";
import { notify, showError } from "../ui/notify";

const OPERATIONS = ["create", "read", "update", "delete"] as const;
type Operation = (typeof OPERATIONS)[number];

/** Settings → database tokens: create, scope, rotate and delete the keys of the API. */
export function TokensPage() {
  const tree = useTree();
  const [tokens, setTokens] = useState<DatabaseToken[] | null>(null);
  // A key is shown once, right after it is made or rotated: kept here, never refetched.
  const [freshKeys, setFreshKeys] = useState<Record<number, string>>({});
  const [dialog, setDialog] = useState<ReactNode>(null);
  const [name, setName] = useState("");
  const [workspaceId, setWorkspaceId] = useState<number | "">("");

  const load = async () => {
    try {
      setTokens(await api.get<DatabaseToken[]>("/api/database/tokens/"));
    } catch (error) {
      showError(error);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  useEffect(() => {
    if (workspaceId === "" && tree.workspaces.length) setWorkspaceId(tree.workspaces[0].id);
  }, [tree.workspaces, workspaceId]);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const token = await api.post<DatabaseToken>("/api/database/tokens/", { name: name.trim(), workspace: workspaceId === "" ? null : workspaceId });
      setFreshKeys({ ...freshKeys, [token.id]: token.key });
      setName("");
      await load();
    } catch (error) {
      showError(error);
    }
  };

  const replace = (token: DatabaseToken) => setTokens((list) => (list ?? []).map((t) => (t.id === token.id ? token : t)));
  const close = () => setDialog(null);

  return (
    <div className="settings">
      <h2>Database tokens</h2>
      <p className="hint">
        A token lets a script or another service use the rows of one workspace through the REST API, with the
        header <code>Authorization: Token &lt;key&gt;</code>. Choose what each token may create, read, update and delete.
      </p>
      <form className="token" onSubmit={(event) => void create(event)} aria-label="New token">
        <h3>New token</h3>
        <div className="panel-row">
          <label className="inline">
            Token name
            <input value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          <label className="inline">
            Workspace
            <select value={workspaceId} onChange={(event) => setWorkspaceId(Number(event.target.value))}>
              {tree.workspaces.map((workspace) => (
                <option key={workspace.id} value={workspace.id}>{workspace.name}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">Create token</button>
        </div>
      </form>
      {tokens?.length === 0 && <p className="hint">No tokens yet.</p>}
      {tokens?.map((token) => (
        <TokenCard
          key={token.id}
          token={token}
          freshKey={freshKeys[token.id]}
          workspaceName={tree.workspaces.find((w) => w.id === token.workspace)?.name ?? ""}
          databases={tree.databases.filter((db) => db.workspace.id === token.workspace)}
          onChanged={replace}
          onRename={() =>
            setDialog(
              <NameDialog
                title="Rename token"
                label="Name"
                initial={token.name}
                submitLabel="Save"
                onClose={close}
                onSubmit={async (newName) => replace(await api.patch<DatabaseToken>(`/api/database/tokens/${token.id}/`, { name: newName }))}
              />,
            )
          }
          onRotate={() =>
            setDialog(
              <ConfirmDialog
                title="Rotate key"
                message={
                  <p className="warning">
                    A new key replaces the current one. The current key <b>stops working at once</b>: every script or
                    service using it will be refused until it gets the new key.
                  </p>
                }
                confirmLabel="Rotate key"
                onClose={close}
                onConfirm={async () => {
                  const rotated = await api.patch<DatabaseToken>(`/api/database/tokens/${token.id}/`, { rotate_key: true });
                  setFreshKeys((keys) => ({ ...keys, [token.id]: rotated.key }));
                  replace(rotated);
                }}
              />,
            )
          }
          onDelete={() =>
            setDialog(
              <ConfirmDialog
                title="Delete token"
                message={<>Delete the token <b>{token.name}</b>? Its key stops working at once.</>}
                confirmLabel="Delete"
                onClose={close}
                onConfirm={async () => {
                  await api.delete(`/api/database/tokens/${token.id}/`);
                  await load();
                }}
              />,
            )
          }
        />
      ))}
      {dialog}
    </div>
  );
}

function TokenCard(props: {
  token: DatabaseToken;
  freshKey?: string;
  workspaceName: string;
  databases: Database[];
  onChanged: (token: DatabaseToken) => void;
  onRename: () => void;
  onRotate: () => void;
  onDelete: () => void;
}) {
  const { token } = props;
  // Saves go out one after another, and only the newest answer is shown: quick clicks
  // must not reach the server, or come back, out of order.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const newest = useRef(0);
  const [pending, setPending] = useState(0);
  const save = (operation: Operation, permission: Permission) => {
    const permissions = { ...token.permissions, [operation]: permission };
    props.onChanged({ ...token, permissions });
    const ticket = ++newest.current;
    setPending((n) => n + 1);
    queue.current = queue.current.then(async () => {
      try {
        const saved = await api.patch<DatabaseToken>(`/api/database/tokens/${token.id}/`, { permissions });
        if (ticket === newest.current) props.onChanged(saved);
      } catch (error) {
        showError(error);
        if (ticket === newest.current) props.onChanged(token);
      } finally {
        setPending((n) => n - 1);
      }
    });
  };
  return (
    <section className="token" aria-label={`Token ${token.name}`}>
      <div className="token-head">
        <span className="name">{token.name}</span>
        <span className="hint" role="status" aria-label="Save status">{pending ? "Saving…" : "Saved"}</span>
        <span className="hint">{props.workspaceName}</span>
        <button onClick={props.onRename}>Rename</button>
        <button onClick={props.onRotate}>Rotate key</button>
        <button className="danger" onClick={props.onDelete}>Delete</button>
      </div>
      {props.freshKey ? <KeyOnce value={props.freshKey} /> : <div className="key hint">Key: {token.key}</div>}
      <table className="permissions">
        <tbody>
          {OPERATIONS.map((operation) => (
            <PermissionRow
              key={operation}
              operation={operation}
              value={token.permissions[operation]}
              databases={props.databases}
              onChange={(permission) => save(operation, permission)}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function KeyOnce(props: { value: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
      notify("info", "Key copied to the clipboard.");
    } catch {
      notify("error", "The browser refused the clipboard: select the key and copy it by hand.");
    }
  };
  return (
    <div className="key-once" role="group" aria-label="New key">
      <span>Copy this key now, it will not be shown again:</span>
      <code aria-label="Token key">{props.value}</code>
      <button onClick={() => void copy()}>{copied ? "Copied" : "Copy"}</button>
    </div>
  );
}

function PermissionRow(props: {
  operation: Operation;
  value: Permission;
  databases: Database[];
  onChange: (permission: Permission) => void;
}) {
  const { operation, value } = props;
  // An empty choice is stored as "none": remember that the user is choosing.
  const [choosing, setChoosing] = useState(false);
  const mode = choosing || (Array.isArray(value) && value.length) ? "chosen" : value === true ? "all" : "none";
  const chosen = Array.isArray(value) ? value : [];
  const has = (kind: "database" | "table", id: number) => chosen.some(([k, i]) => k === kind && i === id);
  const toggle = (kind: "database" | "table", id: number) => {
    const next = has(kind, id) ? chosen.filter(([k, i]) => !(k === kind && i === id)) : [...chosen, [kind, id] as ["database" | "table", number]];
    props.onChange(next.length ? next : []);
  };
  const group = `${operation}-permission`;
  return (
    <tr>
      <th scope="row">{operation[0].toUpperCase() + operation.slice(1)}</th>
      <td role="radiogroup" aria-label={`${operation} permission`}>
        <label className="inline">
          <input type="radio" name={group} checked={mode === "all"} onChange={() => { setChoosing(false); props.onChange(true); }} /> All
        </label>
        <label className="inline">
          <input type="radio" name={group} checked={mode === "none"} onChange={() => { setChoosing(false); props.onChange(false); }} /> None
        </label>
        <label className="inline">
          <input type="radio" name={group} checked={mode === "chosen"} onChange={() => { setChoosing(true); props.onChange([]); }} /> Chosen
        </label>
      </td>
      <td>
        {mode === "chosen" && (
          <div className="scope-list" aria-label={`${operation} scope`}>
            {props.databases.map((database) => (
              <div key={database.id}>
                <label className="inline">
                  <input type="checkbox" checked={has("database", database.id)} onChange={() => toggle("database", database.id)} />
                  Database {database.name}
                </label>
                <div className="tables">
                  {database.tables.map((table) => (
                    <label className="inline" key={table.id}>
                      <input
                        type="checkbox"
                        checked={has("database", database.id) || has("table", table.id)}
                        disabled={has("database", database.id)}
                        onChange={() => toggle("table", table.id)}
                      />
                      Table {table.name}
                    </label>
                  ))}
                </div>
              </div>
            ))}
            {props.databases.length === 0 && <span className="hint">This workspace has no databases.</span>}
          </div>
        )}
      </td>
    </tr>
  );
}
