// The one door to gridbase's REST API: JWT auth with silent refresh, the WebSocketId header,
// Baserow's error format turned into readable messages, and retries while the network is down
// (a write carries one Idempotency-Key over all its tries, so the server applies it once).

import { messageFor } from "./messages";

export interface Session {
  access: string;
  refresh: string;
  user: { id: number; first_name: string; username: string };
}

/** An answer in Baserow's error format, kept whole so screens can read `error` and `detail`. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | null;
  readonly detail: unknown;

  constructor(status: number, code: string | null, detail: unknown) {
    super(describeDetail(detail) || (code ? messageFor(code) : `Request failed (${status})`));
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** Baserow's `detail` is a string, or per-field lists of `{error, code}`: flatten to one line. */
export function describeDetail(detail: unknown, prefix = ""): string {
  if (detail == null) return "";
  if (typeof detail === "string") return prefix ? `${prefix}: ${detail}` : detail;
  if (Array.isArray(detail)) {
    return detail.map((item) => describeDetail(item, prefix)).filter(Boolean).join("; ");
  }
  if (typeof detail === "object") {
    const record = detail as Record<string, unknown>;
    if (typeof record.error === "string" && Object.keys(record).every((k) => k === "error" || k === "code")) {
      return prefix ? `${prefix}: ${record.error}` : record.error;
    }
    return Object.entries(record)
      .map(([key, value]) => {
        const label = key === "non_field_errors" ? prefix : prefix ? `${prefix}.${key}` : key;
        return describeDetail(value, label);
      })
      .filter(Boolean)
      .join("; ");
  }
  return String(detail);
}

const STORAGE_KEY = "gridbase.session";
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

type Listener = () => void;

class ApiClient {
  private session: Session | null = null;
  private refreshing: Promise<boolean> | null = null;
  private sessionListeners = new Set<Listener>();
  private networkListeners = new Set<(offline: boolean) => void>();
  webSocketId: string | null = null;

  constructor() {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored) {
      try {
        this.session = JSON.parse(stored) as Session;
      } catch {
        localStorage.removeItem(STORAGE_KEY);
      }
    }
    // Other tabs logging in or out change the stored session.
    window.addEventListener("storage", (event) => {
      if (event.key !== STORAGE_KEY) return;
      this.session = event.newValue ? (JSON.parse(event.newValue) as Session) : null;
      this.sessionListeners.forEach((listener) => listener());
    });
  }

  get current(): Session | null {
    return this.session;
  }

  setSession(session: Session | null): void {
    this.session = session;
    if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    else localStorage.removeItem(STORAGE_KEY);
    // The docs pages are plain links: they read the access token from a cookie.
    document.cookie = session
      ? `jwt=${session.access}; path=/api-docs/; SameSite=Strict`
      : "jwt=; path=/api-docs/; max-age=0; SameSite=Strict";
    this.sessionListeners.forEach((listener) => listener());
  }

  onSession(listener: Listener): () => void {
    this.sessionListeners.add(listener);
    return () => this.sessionListeners.delete(listener);
  }

  onNetwork(listener: (offline: boolean) => void): () => void {
    this.networkListeners.add(listener);
    return () => this.networkListeners.delete(listener);
  }

  private setOffline(offline: boolean): void {
    this.networkListeners.forEach((listener) => listener(offline));
  }

  async request<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const key = method === "GET" ? null : idempotencyKey();
    let response = await this.send(method, path, body, auth, key);
    if (auth && response.status === 401 && this.session) {
      const payload = await response.clone().json().catch(() => ({}));
      if (payload.error === "ERROR_INVALID_ACCESS_TOKEN" && (await this.refresh())) {
        response = await this.send(method, path, body, auth, key);
      }
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let payload: unknown = null;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = text;
    }
    if (!response.ok) {
      const record = (payload ?? {}) as Record<string, unknown>;
      const code = typeof record.error === "string" ? record.error : null;
      const detail = "detail" in record ? record.detail : code ? null : payload;
      if (code === "ERROR_INVALID_REFRESH_TOKEN") this.setSession(null);
      throw new ApiError(response.status, code, detail);
    }
    return payload as T;
  }

  /** One HTTP exchange; a dropped connection is retried so that no edit is lost, and a
   *  write's `key` makes a retry of one the server did apply get its answer, not a second
   *  write (a create whose answer was lost would otherwise create another row). */
  private async send(
    method: string, path: string, body: unknown, auth: boolean, key: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (key) headers["Idempotency-Key"] = key;
    if (auth && this.session) headers.Authorization = `JWT ${this.session.access}`;
    if (this.webSocketId) headers.WebSocketId = this.webSocketId;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await fetch(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (attempt > 0) this.setOffline(false);
        if (response.status >= 502 && response.status <= 504 && attempt < RETRY_DELAYS_MS.length) {
          await sleep(RETRY_DELAYS_MS[attempt]);
          continue;
        }
        return response;
      } catch (error) {
        this.setOffline(true);
        await sleep(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]);
        if (auth && this.session) headers.Authorization = `JWT ${this.session.access}`;
        if (attempt > 60) throw error;
      }
    }
  }

  /** Trade the refresh token for a new access token; false when the session is over. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = (async () => {
        const session = this.session;
        if (!session) return false;
        try {
          const answer = await this.request<{ access_token: string }>(
            "POST", "/api/user/token-refresh/", { refresh_token: session.refresh }, false);
          this.setSession({ ...session, access: answer.access_token });
          return true;
        } catch {
          this.setSession(null);
          return false;
        } finally {
          this.refreshing = null;
        }
      })();
    }
    return this.refreshing;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, body ?? {});
  }
  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body);
  }
  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }
}

/** A random key for one write (crypto.randomUUID needs a secure context; this does not). */
function idempotencyKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) =>
    byte.toString(16).padStart(2, "0")).join("");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export const api = new ApiClient();
