/**
 * The servers: the reference HTTP/1.1 engine on `Deno.listen`, the `Deno.serve` engine
 * and the `Deno.serveHttp` engine, behind one `serve()`.
 *
 * @module
 */
export type * from "./types.ts";
export * from "./deno_engine.ts";
export * from "./engine_fetch_handler.ts";
export * from "./serve_http_engine.ts";
export * from "./reference_engine.ts";
export * from "./serve.ts";
export * from "./access_log.ts";
export * from "./app_loader.ts";
export * from "./assert_app_object.ts";
