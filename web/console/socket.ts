/**
 * The console's one socket to GET /v1/ops/live: watches rides, drivers and stats (named in its URL), folds
 * every message into the live state (live-state.ts) and tells the pages; reconnects with a
 * growing pause when the connection drops or falls silent (`SILENT_MS`), and pings so idle proxies keep it open. Each connect
 * first asks for a ticket (POST /v1/live/tickets): the socket's URL, which request logs keep,
 * carries that 30-second ticket, never the operator's token.
 */
import { post, setToken } from "./api";
import { tokenExpired } from "./token";
import { applyAll, EMPTY, parseMessage, type LiveState } from "./live-state";
import type { LiveMessage } from "./types";

/** The feed closes a socket whose token expired with this code (src/durable-objects/live.ts, TOKEN_EXPIRED): sign in again. */
const TOKEN_EXPIRED = 4401;
/** …and this one when the operator opened more sockets than it keeps (REPLACED): this tab stays closed until asked (`reconnect`). */
const REPLACED = 1008;

export type Connection = "connecting" | "open" | "closed" | "replaced";
export interface LiveView {
  state: LiveState;
  connection: Connection;
}
type Listener = (view: LiveView) => void;

const TOPICS = ["rides", "drivers", "stats"];
const LIVE_PATH = "/v1/ops/live";
const PING_MS = 20_000;
/**
 * Silence after which the socket is taken for dead and replaced: the feed sends stats every 5 s
 * and answers each ping, but a connection left half-open (a network change, a laptop's sleep)
 * fires no close until TCP gives up, minutes later, while the header still says "live".
 */
const SILENT_MS = 45_000;
/** Messages are folded and the pages told at most this often: at a city's peak some 200 frames a second arrive. */
const FOLD_MS = 100;

export class LiveSocket {
  private view: LiveView = { state: EMPTY, connection: "closed" };
  private readonly listeners = new Set<Listener>();
  private socket: WebSocket | null = null;
  private retry = 0;
  private timer: number | undefined;
  private ping: number | undefined;
  /** When the socket last heard anything (a frame, a pong). */
  private heardAt = 0;
  private token: string | null = null;
  private heard: LiveMessage[] = [];
  private folding: number | undefined;

  get current(): LiveView {
    return this.view;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the socket with `token`, or closes it (null: signed out). */
  use(token: string | null): void {
    if (token === this.token) return;
    this.token = token;
    this.close();
    if (token) this.open();
    else this.set({ state: EMPTY, connection: "closed" });
  }

  /** Opens the socket again after it was replaced by a newer one (another tab): the operator's choice, as it replaces that one in turn. */
  reconnect(): void {
    if (this.view.connection === "replaced" && !this.socket) this.open();
  }

  private set(view: LiveView) {
    this.view = view;
    for (const l of this.listeners) l(view);
  }

  private open() {
    const token = this.token;
    if (!token) return;
    // Expired while the socket was down: the upgrade would be refused at every try (token.ts).
    if (tokenExpired(token, Date.now())) return setToken(null);
    this.set({ ...this.view, connection: "connecting" });
    // A 401 here signs the operator out (api.ts); anything else is tried again like a dropped socket.
    post<{ ticket: string }>("/v1/live/tickets", { path: LIVE_PATH }).then(
      ({ ticket }) => {
        if (this.token === token && !this.socket) this.connect(ticket);
      },
      () => {
        if (this.token === token && !this.socket) this.retryLater();
      },
    );
  }

  private retryLater() {
    this.set({ ...this.view, connection: "closed" });
    const wait = Math.min(30_000, 500 * 2 ** this.retry++);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.open(), wait);
  }

  private connect(ticket: string) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // The topics named in the URL: the feed's first frames are the snapshot and the stats, no subscription (and second snapshot) needed.
    const socket = new WebSocket(`${scheme}//${location.host}${LIVE_PATH}?ticket=${encodeURIComponent(ticket)}&topics=${TOPICS.join(",")}`);
    this.socket = socket;
    this.set({ ...this.view, connection: "connecting" });
    socket.onopen = () => {
      this.retry = 0;
      this.heardAt = Date.now();
      this.ping = window.setInterval(() => this.keepAlive(socket), PING_MS);
      this.set({ ...this.view, connection: "open" });
    };
    socket.onmessage = (event: MessageEvent) => {
      this.heardAt = Date.now();
      if (typeof event.data !== "string") return;
      const message = parseMessage(event.data);
      if (!message) return;
      this.heard.push(message);
      this.folding ??= window.setTimeout(() => this.fold(), FOLD_MS);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      window.clearInterval(this.ping);
      // The session is over, as a REST call's 401 ends it: the sign-in page comes back (and `use(null)` closes this).
      if (event.code === TOKEN_EXPIRED) return setToken(null);
      // Replaced by a newer socket of this operator (another tab, past the feed's limit): reconnecting would replace that one in turn.
      if (event.code === REPLACED) return this.set({ ...this.view, connection: "replaced" });
      this.retryLater();
    };
  }

  /** Pings, or replaces a socket silent for `SILENT_MS`: its own close, when it comes, is no longer this socket's and is ignored. */
  private keepAlive(socket: WebSocket) {
    if (Date.now() - this.heardAt <= SILENT_MS) {
      if (socket.readyState === WebSocket.OPEN) socket.send("ping");
      return;
    }
    this.socket = null;
    window.clearInterval(this.ping);
    socket.close();
    this.retryLater();
  }

  /** Folds what was heard since the last fold, in order, and tells the pages once. */
  private fold() {
    this.folding = undefined;
    this.set({ ...this.view, state: applyAll(this.view.state, this.heard.splice(0)) });
  }

  private close() {
    window.clearTimeout(this.timer);
    window.clearInterval(this.ping);
    // What the closed socket said and was not folded yet is another session's (a sign-out, a new token): dropped.
    window.clearTimeout(this.folding);
    this.folding = undefined;
    this.heard = [];
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}

export const live = new LiveSocket();
