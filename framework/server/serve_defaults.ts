/**
 * Defaults of `ServeOptions` that every engine applies the same way.
 *
 * @module
 */

/** `gracefulTimeout` when none is given: in-flight requests get 10 s on shutdown. */
export const DEFAULT_GRACEFUL_TIMEOUT = 10_000;

/**
 * The reference engine's `serverHeader` when none is given, as gunicorn sends its own
 * name. The fetch engines send none by default, as `Deno.serve` does.
 */
export const DEFAULT_SERVER_HEADER = "phial";

/**
 * The reference engine's `maxConnections` when none is given: gunicorn's default
 * `worker_connections`.
 */
export const DEFAULT_MAX_CONNECTIONS = 1000;
