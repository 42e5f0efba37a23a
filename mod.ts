/**
 * phial: a Flask-style web framework for Deno on a WSGI-style gateway protocol.
 *
 * @example The seed article's application, served by the reference server
 * ```ts ignore
 * import { serve } from "@phial/phial";
 * await serve((_environ, startResponse) => {
 *   startResponse("200 OK", [["Content-Type", "text/html"]]);
 *   return ["<h1>Hello, web!</h1>"];
 * }, { port: 8000 });
 * ```
 *
 * @module
 */
export * from "./framework/gateway/mod.ts";
export * from "./framework/http/mod.ts";
export * from "./framework/routing/mod.ts";
export * from "./framework/wrappers/mod.ts";
export * from "./framework/middleware/mod.ts";
export * from "./framework/app/mod.ts";
export * from "./framework/server/mod.ts";
