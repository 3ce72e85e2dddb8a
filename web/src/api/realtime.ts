// The websocket at /ws/core/: one connection per tab, reconnecting with back-off. Pages
// (tables) are re-subscribed after each reconnect and listeners are told, so that they
// can refetch what they show: nothing is missed across a drop.

import { api } from "./client";

export type RealtimeMessage = { type: string } & Record<string, unknown>;
type MessageListener = (message: RealtimeMessage) => void;
type StatusListener = (connected: boolean) => void;

class Realtime {
  private socket: WebSocket | null = null;
  private tables = new Map<number, number>();
  private listeners = new Set<MessageListener>();
  private reconnectListeners = new Set<() => void>();
  private statusListeners = new Set<StatusListener>();
  private attempt = 0;
  private timer: number | null = null;
  private everConnected = false;
  connected = false;

  constructor() {
    // The browser knows first when the network goes: drop the socket at once rather than
    // wait for a timeout, and come back as soon as the network does.
    window.addEventListener("offline", () => this.socket?.close());
    window.addEventListener("online", () => {
      if (this.timer !== null) window.clearTimeout(this.timer);
      this.timer = null;
      this.attempt = 0;
      if (!this.socket && api.current) this.start();
    });
  }

  start(): void {
    if (this.socket || !api.current) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const url = `${scheme}://${location.host}/ws/core/?jwt_token=${encodeURIComponent(api.current.access)}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(socket, event.data as string);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      api.webSocketId = null;
      this.setConnected(false);
      this.scheduleReconnect();
    };
  }

  stop(): void {
    if (this.timer !== null) window.clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    api.webSocketId = null;
    this.everConnected = false;
    this.setConnected(false);
    socket?.close();
  }

  private async receive(socket: WebSocket, data: string): Promise<void> {
    let message: RealtimeMessage;
    try {
      message = JSON.parse(data) as RealtimeMessage;
    } catch {
      return;
    }
    if (message.type === "authentication") {
      if (!message.success) {
        // Most likely an expired access token: refresh it, then try again.
        this.socket = null;
        socket.onclose = null;
        socket.close();
        if (await api.refresh()) this.scheduleReconnect();
        return;
      }
      api.webSocketId = String(message.web_socket_id);
      this.attempt = 0;
      for (const tableId of this.tables.keys()) this.sendPage(tableId);
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setConnected(true);
      if (reconnected) this.reconnectListeners.forEach((listener) => listener());
      return;
    }
    if (message.type === "resync_required") {
      this.reconnectListeners.forEach((listener) => listener());
      return;
    }
    this.listeners.forEach((listener) => listener(message));
  }

  private scheduleReconnect(): void {
    if (this.timer !== null || !api.current) return;
    const delay = Math.min(250 * 2 ** this.attempt, 5000);
    this.attempt += 1;
    this.timer = window.setTimeout(() => {
      this.timer = null;
      this.start();
    }, delay);
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    this.statusListeners.forEach((listener) => listener(connected));
  }

  private sendPage(tableId: number): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ page: "table", table_id: tableId }));
    }
  }

  /** Receive the table's row and field events while the returned function is not called. */
  watchTable(tableId: number): () => void {
    const count = this.tables.get(tableId) ?? 0;
    this.tables.set(tableId, count + 1);
    if (count === 0 && api.webSocketId) this.sendPage(tableId);
    return () => {
      const left = (this.tables.get(tableId) ?? 1) - 1;
      if (left > 0) {
        this.tables.set(tableId, left);
        return;
      }
      this.tables.delete(tableId);
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ remove_page: "table", table_id: tableId }));
      }
    };
  }

  onMessage(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after a reconnect (or a resync request): events may have been missed. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
}

export const realtime = new Realtime();
