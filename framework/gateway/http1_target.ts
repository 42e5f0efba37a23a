/**
 * The request target of an HTTP/1.1 request line, split the CGI way: origin-form
 * (`/path?query`), absolute-form (`http://host/path?query`) and asterisk-form (`*`).
 *
 * @module
 */

import { Http1Error } from "./http1_error.ts";

/** A request target split into the environ's parts. */
export interface RequestTarget {
  /** The percent-decoded path (`PATH_INFO`). */
  path: string;
  /** The raw query without `?` (`QUERY_STRING`). */
  query: string;
  /** The authority of an absolute-form target, which replaces the Host header; else `undefined`. */
  authority: string | undefined;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Percent-decodes a path into a JS string, reading the escapes as UTF-8. An invalid
 * escape, or an escape that is not part of a valid UTF-8 sequence, stays as its original
 * text; it never throws.
 *
 * @example
 * ```ts
 * import { decodePath } from "./http1_target.ts";
 * decodePath("/caf%C3%A9"); // "/café"
 * decodePath("/bad%ZZ%FF"); // "/bad%ZZ%FF"
 * ```
 */
export function decodePath(raw: string): string {
  if (raw.indexOf("%") === -1) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return decodePathSlowly(raw);
  }
}

function decodePathSlowly(raw: string): string {
  // bytes[i] is the decoded byte, texts[i] how it was written in the target.
  const bytes: number[] = [];
  const texts: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x25 && i + 2 < raw.length) {
      const high = hexValue(raw.charCodeAt(i + 1));
      const low = hexValue(raw.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        bytes.push(high * 16 + low);
        texts.push(raw.slice(i, i + 3));
        i += 2;
        continue;
      }
    }
    // Characters other than escapes are copied as text (code >= 0x80 never occurs in a
    // validated target, but is kept intact if it does).
    bytes.push(code < 0x80 ? code : -1);
    texts.push(raw[i]!);
  }
  let out = "";
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      out += lead === -1 ? texts[i]! : String.fromCharCode(lead);
      i++;
      continue;
    }
    let need = 0;
    let min = 0x80;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) need = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      need = 2;
      if (lead === 0xe0) min = 0xa0;
      if (lead === 0xed) max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      need = 3;
      if (lead === 0xf0) min = 0x90;
      if (lead === 0xf4) max = 0x8f;
    }
    let codePoint = need === 1 ? lead & 0x1f : need === 2 ? lead & 0x0f : lead & 0x07;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const next = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (next === undefined || next < lo || next > hi) ok = false;
      else codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (ok) {
      out += String.fromCodePoint(codePoint);
      i += need + 1;
    } else {
      out += texts[i]!;
      i++;
    }
  }
  return out;
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
  return { path: decodePath(rawPath), query, authority };
}
