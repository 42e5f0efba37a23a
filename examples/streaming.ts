/**
 * A streaming app: the body is an async generator, so each chunk goes out as it is
 * produced (chunked on HTTP/1.1) instead of being buffered. `close()` runs when the
 * stream ends or the client goes away.
 *
 * ```sh
 * deno run -A server.ts examples/streaming.ts --port 8000
 * curl -N http://127.0.0.1:8000/?n=5    # one line every 100 ms
 * ```
 *
 * @module
 */
import type { Body, Environ, StartResponse } from "../mod.ts";

/** Counts to `?n=` (default 10, at most 1000), one line every `?delay=` ms (default 100). */
export function app(environ: Environ, startResponse: StartResponse): Body {
  const query = new URLSearchParams(environ.QUERY_STRING);
  const n = Math.min(Number(query.get("n") ?? 10) || 0, 1000);
  const delay = Math.min(Number(query.get("delay") ?? 100) || 0, 10_000);
  startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
  async function* lines(): AsyncGenerator<string> {
    for (let i = 1; i <= n; i++) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      yield `line ${i} of ${n}\n`;
    }
  }
  const body = lines();
  return Object.assign(body, {
    close(): void {
      // Stops the generator early when the client leaves mid-stream.
      void body.return(undefined);
    },
  });
}
