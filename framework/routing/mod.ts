/**
 * Werkzeug-style URL routing: `Map`, `Rule`, converters and `MapAdapter`.
 *
 * @module
 */
