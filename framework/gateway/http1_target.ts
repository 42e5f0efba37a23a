/**
 * The request target of an HTTP/1.1 request line, split the CGI way: origin-form
 * (`/path?query`), absolute-form (`http://host/path?query`) and asterisk-form (`*`).
 *
 * @module
 */

import { Http1Error } from "./http1_error.ts";
import { decodePathInfo } from "./path_decoding.ts";

/** A request target split into the environ's parts. */
export interface RequestTarget {
  /** The percent-decoded path (`PATH_INFO`). */
  path: string;
  /** The raw query without `?` (`QUERY_STRING`). */
  query: string;
  /** The authority of an absolute-form target, which replaces the Host header; else `undefined`. */
  authority: string | undefined;
}

/**
 * Splits a request target into path, query and (for absolute-form) authority.
 *
 * @throws {Http1Error} 400 for a target in none of the accepted forms.
 * @example
 * ```ts
 * import { splitTarget } from "./http1_target.ts";
 * splitTarget("http://example.com/a%20b?x=1", "GET");
 * // { path: "/a b", query: "x=1", authority: "example.com" }
 * ```
 */
export function splitTarget(target: string, method: string): RequestTarget {
  const first = target.charCodeAt(0);
  let authority: string | undefined;
  let pathStart = 0;
  if (first !== 0x2f) {
    if (target === "*" && method === "OPTIONS") {
      return { path: "*", query: "", authority: undefined };
    }
    const schemeEnd = target.indexOf("://");
    const scheme = schemeEnd > 0 ? target.slice(0, schemeEnd).toLowerCase() : "";
    if (scheme !== "http" && scheme !== "https") {
      throw new Http1Error(400, "Invalid request target");
    }
    const authorityStart = schemeEnd + 3;
    let authorityEnd = authorityStart;
    while (authorityEnd < target.length) {
      const code = target.charCodeAt(authorityEnd);
      if (code === 0x2f || code === 0x3f || code === 0x23) break;
      authorityEnd++;
    }
    authority = target.slice(authorityStart, authorityEnd);
    if (authority === "" || authority.indexOf("@") !== -1) {
      throw new Http1Error(400, "Invalid authority in request target");
    }
    pathStart = authorityEnd;
  }
  const queryStart = target.indexOf("?", pathStart);
  let rawPath = queryStart === -1 ? target.slice(pathStart) : target.slice(pathStart, queryStart);
  const query = queryStart === -1 ? "" : target.slice(queryStart + 1);
  if (rawPath === "") rawPath = "/";
  if (rawPath.charCodeAt(0) !== 0x2f) throw new Http1Error(400, "Invalid request target");
  return { path: decodePathInfo(rawPath), query, authority };
}
