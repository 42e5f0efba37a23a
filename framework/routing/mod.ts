/**
 * Werkzeug-style URL routing: `Map`, `Rule`, converters and `MapAdapter`.
 *
 * @module
 */
export * from "./rule_args.ts";
