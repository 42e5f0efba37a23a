/**
 * `serve()`: one entry point that starts any of phial's server engines.
 *
 * @module
 */
import type { AppObject } from "../gateway/types.ts";
import { assertAppObject } from "./assert_app_object.ts";
import { serveDeno } from "./deno_engine.ts";
import { serveReference } from "./reference_engine.ts";
import { serveServeHttp } from "./serve_http_engine.ts";
import type { EngineName, ServeOptions, ServerHandle } from "./types.ts";

/** The engine names `serve()` accepts, in the order the CLI lists them. */
export const ENGINE_NAMES: readonly EngineName[] = ["reference", "deno", "serve-http"];

const ENGINES: Record<EngineName, (app: AppObject, options: ServeOptions) => ServerHandle> = {
  "reference": serveReference,
  "deno": serveDeno,
  "serve-http": serveServeHttp,
};

const LIMIT_NAMES = [
  "maxRequestLine",
  "maxHeaderSize",
  "maxHeaderCount",
  "maxBodySize",
  "headTimeout",
  "keepAliveTimeout",
  "gracefulTimeout",
] as const;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/**
 * Checks `serve()`'s options and throws a `TypeError` naming the first bad one.
 *
 * @param options The options to check.
 * @throws {TypeError} On an unknown engine, a bad port or hostname, a negative limit, or
 *   a callback that is not a function.
 */
export function validateServeOptions(options: ServeOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`serve() options must be an object, got ${describe(options)}`);
  }
  const { engine, port, hostname, workers } = options;
  if (engine !== undefined && !Object.hasOwn(ENGINES, engine)) {
    throw new TypeError(
      `Unknown engine ${describe(engine)}: expected one of ${ENGINE_NAMES.join(", ")}`,
    );
  }
  if (
    port !== undefined &&
    (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    throw new TypeError(`Invalid port ${describe(port)}: expected an integer from 0 to 65535`);
  }
  if (hostname !== undefined && (typeof hostname !== "string" || hostname === "")) {
    throw new TypeError(`Invalid hostname ${describe(hostname)}: expected a non-empty string`);
  }
  if (workers !== undefined) {
    if (typeof workers !== "number" || !Number.isInteger(workers) || workers < 1) {
      throw new TypeError(`Invalid workers ${describe(workers)}: expected an integer >= 1`);
    }
    // workers > 1 with reusePort means "this isolate is one of N workers on a shared
    // port" (wsgi.multiprocess); without it, the caller expects processes serve() cannot start.
    if (workers > 1 && options.reusePort !== true) {
      throw new TypeError(
        "serve() runs in one isolate and cannot start worker processes; " +
          "use the CLI (deno run -A server.ts MODULE --workers N) instead",
      );
    }
  }
  for (const name of LIMIT_NAMES) {
    const value = options[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || Number.isNaN(value) || value < 0) {
      throw new TypeError(`Invalid ${name} ${describe(value)}: expected a number >= 0`);
    }
  }
  for (const name of ["onListen", "accessLog"] as const) {
    const value = options[name];
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(`Invalid ${name}: expected a function, got ${describe(value)}`);
    }
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(`Invalid signal: expected an AbortSignal, got ${describe(options.signal)}`);
  }
  if (options.reusePort !== undefined && typeof options.reusePort !== "boolean") {
    throw new TypeError(
      `Invalid reusePort: expected a boolean, got ${describe(options.reusePort)}`,
    );
  }
  if (options.serverHeader !== undefined && typeof options.serverHeader !== "string") {
    throw new TypeError(
      `Invalid serverHeader: expected a string, got ${describe(options.serverHeader)}`,
    );
  }
}

/**
 * Starts a server for an app object on the engine `options.engine` names (default
 * `reference`: phial's own HTTP/1.1 server on `Deno.listen`; `deno`: `Deno.serve`;
 * `serve-http`: `Deno.serveHttp`).
 *
 * @param app A `WsgiApp` function or an object with a `wsgiApp` method (looked up on
 *   every request).
 * @param options Address, engine, limits, callbacks.
 * @returns The running server's handle: `addr`, `finished`, `shutdown()`.
 * @throws {TypeError} When `app` is not an app object or an option is invalid.
 * @throws {Deno.errors.AddrInUse} When the port is taken.
 *
 * @example Serving the seed article's application
 * ```ts ignore
 * import { serve } from "@phial/phial";
 * const server = serve((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { hostname: "127.0.0.1", port: 8000, engine: "reference" });
 * // later
 * await server.shutdown();
 * ```
 */
export function serve(app: AppObject, options: ServeOptions = {}): ServerHandle {
  assertAppObject(app);
  validateServeOptions(options);
  const engine = ENGINES[options.engine ?? "reference"];
  return engine(app, options);
}
