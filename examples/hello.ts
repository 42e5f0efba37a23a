/**
 * The seed article's `application`, in TypeScript.
 *
 * Run it with the reference server (as `gunicorn myapp:application`):
 *
 * ```sh
 * deno run -A server.ts examples/hello.ts --host 127.0.0.1 --port 8000
 * curl http://127.0.0.1:8000/    # <h1>Hello, web!</h1>
 * ```
 *
 * @module
 */
import type { WsgiApp } from "../mod.ts";

// The article's b'<h1>Hello, web!</h1>': bytes made once, not on every request.
const BODY = new TextEncoder().encode("<h1>Hello, web!</h1>");

/** `def application(environ, start_response)` from the article. */
export const application: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/html"]]);
  return [BODY];
};

/** What `server.ts examples/hello.ts` serves (ATTR defaults to `app`). */
export const app: WsgiApp = application;
