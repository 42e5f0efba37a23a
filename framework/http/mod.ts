/**
 * What every HTTP layer needs: status codes, header and cookie syntax, dates, the
 * `MultiDict` and `Headers` data structures and the HTTP exceptions — Werkzeug's
 * `exceptions`, `datastructures` and `http` modules: content negotiation (`Accept*`),
 * `Authorization`, entity tags, conditional and range requests, `Cache-Control`.
 *
 * @module
 */
export * from "./urls.ts";
export * from "./status_codes.ts";
export * from "./exceptions.ts";
export * from "./multi_dict.ts";
export * from "./headers.ts";
export * from "./header_values.ts";
export * from "./dates.ts";
export * from "./cookies.ts";
export * from "./accept.ts";
export * from "./authorization.ts";
export * from "./etags.ts";
export * from "./range.ts";
export * from "./conditional.ts";
export * from "./cache_control.ts";
export * from "./header_set.ts";
export * from "./mimetypes.ts";
export * from "./safe_join.ts";
export * from "./content_security_policy.ts";
export * from "./adler32.ts";
export * from "./redirect_page.ts";
