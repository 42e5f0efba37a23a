/**
 * The Flask layer: what the application is built from.
 *
 * @module
 */
export * from "./signals.ts";
export * from "./config.ts";
export * from "./json_provider.ts";
