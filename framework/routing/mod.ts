/**
 * Werkzeug-style URL routing: `Map`, `Rule`, converters and `MapAdapter`.
 *
 * @module
 */
export * from "./rule_args.ts";
export * from "./converters.ts";
export * from "./exceptions.ts";
export * from "./map.ts";
export * from "./map_adapter.ts";
export * from "./matcher.ts";
export * from "./rule.ts";
export * from "./rule_factories.ts";
