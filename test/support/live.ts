/** A live WebSocket client as an app would hold one: every message kept, in order. */

export interface LiveClient {
  messages: unknown[];
  /** Waits for the first message (from `from` on) that matches, and returns its index and value. */
  waitFor<T>(match: (m: T) => boolean, what: string, timeoutMs?: number, from?: number): Promise<{ index: number; message: T }>;
  close(): Promise<void>;
  /** Sends a text frame (a subscription, a ping). */
  send(text: string): void;
  /** Resolves with the close code and reason once the socket has closed, from either side. */
  closed: Promise<{ code: number; reason: string }>;
}

/**
 * Opens a WebSocket; resolves once it is open, rejects if the server refuses it.
 *
 * @example
 * const live = await openLive(`${baseUrl.replace("http", "ws")}/v1/rides/${id}/live?access_token=${token}`);
 */
export function openLive(url: string, headers?: Record<string, string>): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    // Node's WebSocket (undici) takes headers as an extension; browsers use access_token.
    const ws = new WebSocket(url, headers ? ({ headers } as unknown as string[]) : undefined);
    const messages: unknown[] = [];
    const waiters: (() => void)[] = [];
    let closed = false;
    let closedWith: (c: { code: number; reason: string }) => void = () => undefined;
    const closedPromise = new Promise<{ code: number; reason: string }>((r) => (closedWith = r));
    ws.addEventListener("message", (event) => {
      const data = typeof event.data === "string" ? event.data : "";
      try {
        messages.push(JSON.parse(data));
      } catch {
        messages.push(data);
      }
      for (const w of waiters.splice(0)) w();
    });
    ws.addEventListener("close", (event) => {
      closed = true;
      closedWith({ code: event.code, reason: event.reason });
      for (const w of waiters.splice(0)) w();
    });
    ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url.replace(/access_token=[^&]+/, "access_token=…")} was refused`)));
    ws.addEventListener("open", () =>
      resolve({
        messages,
        closed: closedPromise,
        async waitFor<T>(match: (m: T) => boolean, what: string, timeoutMs = 15_000, from = 0) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const index = messages.findIndex((m, i) => i >= from && match(m as T));
            if (index >= 0) return { index, message: messages[index] as T };
            if (closed) throw new Error(`socket closed before ${what}`);
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages).slice(0, 500)}`);
            await new Promise<void>((r) => {
              const t = setTimeout(r, left);
              waiters.push(() => {
                clearTimeout(t);
                r();
              });
            });
          }
        },
        send: (text: string) => ws.send(text),
        close: () =>
          new Promise<void>((r) => {
            if (closed) return r();
            ws.addEventListener("close", () => r());
            ws.close();
          }),
      }),
    );
  });
}

/** The HTTP status a WebSocket upgrade request gets (101 when accepted), via a raw request. */
export async function upgradeStatus(url: string, token?: string): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 101);
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
