// Messages for the user: errors from the API and short confirmations, shown by <Toasts>.

import { ApiError } from "../api/client";

export interface Toast {
  id: number;
  kind: "error" | "info";
  text: string;
}

type Listener = (toasts: Toast[]) => void;

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();

function publish(): void {
  listeners.forEach((listener) => listener(toasts));
}

export function notify(kind: Toast["kind"], text: string): void {
  const toast = { id: nextId++, kind, text };
  toasts = [...toasts.slice(-4), toast];
  publish();
  window.setTimeout(() => dismiss(toast.id), kind === "error" ? 8000 : 3000);
}

export function dismiss(id: number): void {
  toasts = toasts.filter((toast) => toast.id !== id);
  publish();
}

/** Show what went wrong: the API's own `detail` when there is one. */
export function showError(error: unknown): void {
  if (error instanceof ApiError) notify("error", error.message);
  else if (error instanceof Error) notify("error", error.message);
  else notify("error", String(error));
}

export function subscribeToasts(listener: Listener): () => void {
  listeners.add(listener);
  listener(toasts);
  return () => listeners.delete(listener);
}
