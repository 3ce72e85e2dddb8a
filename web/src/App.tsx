import { useEffect, useState } from "react";
import { api, type Session } from "./api/client";
import { realtime } from "./api/realtime";
import { AuthPage, logOut } from "./auth/AuthPage";
import { TablePage } from "./grid/TablePage";
import { TokensPage } from "./settings/TokensPage";
import { Sidebar } from "./sidebar/Sidebar";
import { resetTree } from "./sidebar/tree";
import { Toasts } from "./ui/Toasts";
import { navigate, usePath } from "./ui/router";

// Access tokens live 10 minutes by default: renew them well before, so that websocket
// reconnects and the docs-page cookie always carry a valid one.
const REFRESH_EVERY_MS = 4 * 60 * 1000;

function useSession(): Session | null {
  const [session, setSession] = useState(api.current);
  useEffect(() => api.onSession(() => setSession(api.current)), []);
  return session;
}

/** "Reconnecting…" while the API or the websocket cannot be reached. */
function ConnectionBanner() {
  const [offline, setOffline] = useState(false);
  const [socketDown, setSocketDown] = useState(false);
  useEffect(() => api.onNetwork(setOffline), []);
  useEffect(() => {
    let seen = realtime.connected;
    return realtime.onStatus((connected) => {
      if (connected) seen = true;
      setSocketDown(seen && !connected);
    });
  }, []);
  if (!offline && !socketDown) return null;
  return (
    <div className="connection-banner" role="status">
      Connection lost, reconnecting… Your changes are kept and will be sent when it is back.
    </div>
  );
}

export function App() {
  const path = usePath();
  const session = useSession();
  const loggedIn = session !== null;

  useEffect(() => {
    if (!loggedIn) {
      realtime.stop();
      resetTree();
      return;
    }
    realtime.start();
    const timer = window.setInterval(() => void api.refresh(), REFRESH_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [loggedIn]);

  useEffect(() => {
    if (!loggedIn && path !== "/login" && path !== "/signup") navigate("/login", true);
    if (loggedIn && (path === "/login" || path === "/signup")) navigate("/", true);
  }, [loggedIn, path]);

  if (!session) {
    return (
      <>
        <AuthPage key={path} mode={path === "/signup" ? "signup" : "login"} />
        <Toasts />
      </>
    );
  }

  const tableMatch = /^\/table\/(\d+)\/?$/.exec(path);
  const tableId = tableMatch ? Number(tableMatch[1]) : null;
  let content;
  if (tableId !== null) content = <TablePage key={tableId} tableId={tableId} />;
  else if (path.startsWith("/settings")) content = <TokensPage />;
  else content = <div className="welcome"><h2>Welcome, {session.user.first_name}</h2><p>Pick a table in the sidebar, or create a workspace to start.</p></div>;

  return (
    <div className="shell">
      <header className="topbar">
        <a className="brand" href="/" onClick={(event) => { event.preventDefault(); navigate("/"); }}>gridbase</a>
        <span className="spacer" />
        <a href="/settings/tokens" onClick={(event) => { event.preventDefault(); navigate("/settings/tokens"); }}>Settings</a>
        <span className="user" title={session.user.username}>{session.user.first_name}</span>
        <button onClick={() => void logOut()}>Log out</button>
      </header>
      <ConnectionBanner />
      <div className="body">
        <Sidebar activeTableId={tableId} />
        <main className="content">{content}</main>
      </div>
      <Toasts />
    </div>
  );
}
