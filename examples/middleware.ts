/**
 * A middleware: a function that takes an app and returns an app. This one times every
 * request and adds an `X-Response-Time` header, wrapping the article's hello app.
 * Because servers look `wsgiApp` up on every request, Flask's idiom
 * `app.wsgiApp = timing(app.wsgiApp)` works the same way on an app object.
 *
 * ```sh
 * deno run -A server.ts examples/middleware.ts --port 8000
 * curl -i http://127.0.0.1:8000/    # ... X-Response-Time: 0.1ms ... <h1>Hello, web!</h1>
 * ```
 *
 * @module
 */
import type { WsgiApp } from "../mod.ts";
import { application } from "./hello.ts";

/** Wraps `inner` so each response carries `X-Response-Time` (time to `startResponse`). */
export function timing(inner: WsgiApp): WsgiApp {
  return (environ, startResponse) => {
    const start = performance.now();
    return inner(environ, (status, headers, excInfo) => {
      const ms = (performance.now() - start).toFixed(1);
      return startResponse(status, [...headers, ["X-Response-Time", `${ms}ms`]], excInfo);
    });
  };
}

/** The article's application behind the timing middleware. */
export const app: WsgiApp = timing(application);
