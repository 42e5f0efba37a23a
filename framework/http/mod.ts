/**
 * What every HTTP layer needs: status codes, header and cookie syntax, dates, the
 * `MultiDict` and `Headers` data structures and the HTTP exceptions.
 *
 * @module
 */
export * from "./urls.ts";
