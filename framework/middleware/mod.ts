/**
 * Gateway-level middleware, as Werkzeug's `werkzeug.middleware`: each wraps an app object
 * and is one itself (callable too, so `app.wsgiApp = new ProxyFix(app.wsgiApp)` works).
 *
 * @module
 */
// The protocol's types, so that this entry point documents itself.
export type * from "../gateway/types.ts";
export * from "./callable_app.ts";
export * from "./dispatcher.ts";
export * from "./proxy_fix.ts";
export * from "./shared_data.ts";
export { fnmatch } from "./fnmatch.ts";
