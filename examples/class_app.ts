/**
 * A class-style app object: the article's `class Application` with `__call__`, which in
 * phial is a `wsgiApp` method. Servers look `wsgiApp` up on every request, so it can be
 * wrapped later (`app.wsgiApp = middleware(app.wsgiApp)`).
 *
 * ```sh
 * deno run -A server.ts examples/class_app.ts --port 8000
 * curl http://127.0.0.1:8000/hello?name=deno    # Hello, deno! (request 1)
 * ```
 *
 * @module
 */
import type { Body, Environ, StartResponse, WsgiApp, WsgiAppObject } from "../mod.ts";

/** Greets by the `name` query parameter and counts the requests it has served. */
export class Application implements WsgiAppObject {
  /** How many requests this instance has answered. */
  count = 0;

  /** Creates the app; `greeting` starts every answer. */
  constructor(readonly greeting: string = "Hello") {}

  /** The gateway application, bound so it can be passed around or wrapped. */
  wsgiApp: WsgiApp = (environ: Environ, startResponse: StartResponse): Body => {
    this.count++;
    const name = new URLSearchParams(environ.QUERY_STRING).get("name") ?? "web";
    startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
    return [`${this.greeting}, ${name}! (request ${this.count})\n`];
  };
}

/** The instance `server.ts examples/class_app.ts` serves. */
export const app: Application = new Application();
