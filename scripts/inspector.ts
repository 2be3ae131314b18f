/**
 * The few V8 inspector calls the local tools make on workerd's isolates: list them, send one
 * command, and make them run a full garbage collection. Used by the idle collection of
 * `npm run dev` (scripts/idle-collector.ts) and by the memory benches (bench/runtime-memory.ts).
 *
 * @example
 * const isolates = await isolatesOf("127.0.0.1:9229");
 * await collectGarbage(isolates);
 */

/** The debugger URL of every isolate behind the inspector at `host` ("127.0.0.1:9229"). */
export async function isolatesOf(host: string): Promise<string[]> {
  const res = await fetch(`http://${host}/json/list`, { signal: AbortSignal.timeout(2000) });
  const targets = (await res.json()) as { webSocketDebuggerUrl?: string }[];
  return Array.isArray(targets) ? targets.flatMap((t) => (t.webSocketDebuggerUrl ? [t.webSocketDebuggerUrl] : [])) : [];
}

/**
 * Sends one command to one isolate and waits for its answer: its result, or undefined on an
 * error reply, a refused or closed connection (an isolate that already has a debugger) or no
 * answer in time, so that a stuck inspector never stops the caller.
 */
export async function inspect<T>(debuggerUrl: string, method: string, params: object, timeoutMs: number): Promise<T | undefined> {
  const ws = new WebSocket(debuggerUrl);
  try {
    return await new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs);
      const done = (result: T | undefined) => {
        clearTimeout(timer);
        resolve(result);
      };
      ws.addEventListener("error", () => done(undefined));
      ws.addEventListener("close", () => done(undefined));
      ws.addEventListener("message", (e) => {
        // notifications (a heap snapshot's chunks) have no id; the answer has the command's
        const m = JSON.parse(String(e.data)) as { id?: number; result?: T; error?: { message: string } };
        if (m.id !== 2) return;
        if (m.error) console.warn(`inspector: ${method}: ${m.error.message}`);
        // workerd answers a heap snapshot without a result
        done(m.error ? undefined : (m.result ?? ({} as T)));
      });
      ws.addEventListener("open", () => {
        ws.send(JSON.stringify({ id: 1, method: `${method.split(".")[0]}.enable` }));
        ws.send(JSON.stringify({ id: 2, method, params }));
      });
    });
  } finally {
    ws.close();
  }
}

/**
 * Makes each isolate run a full garbage collection; returns how many did. workerd does not
 * answer the inspector's `HeapProfiler.collectGarbage` (and collects nothing); a heap snapshot
 * runs a full collection first, so that is asked for, and its chunks are thrown away.
 */
export async function collectGarbage(debuggerUrls: string[]): Promise<number> {
  let collected = 0;
  for (const url of debuggerUrls) {
    if ((await inspect(url, "HeapProfiler.takeHeapSnapshot", { reportProgress: false }, 60_000)) !== undefined) collected++;
  }
  return collected;
}
