/**
 * `iriToUri`: turns an IRI (a URL with any Unicode text) into an ASCII URI, as
 * Werkzeug does for `Location` headers.
 *
 * @module
 */

import { urlQuote } from "../http/urls.ts";

const NEEDS_IRI_QUOTING = /[^\x21-\x7e]|["<>\\^`{|}]/;

/** Werkzeug's `iri_to_uri` for a Location header: percent-encodes, IDNA-encodes the host. */
export function iriToUri(iri: string): string {
  if (!NEEDS_IRI_QUOTING.test(iri)) return iri;
  let rest = iri;
  let prefix = "";
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)?\/\/([^/?#]*)/.exec(iri);
  if (scheme) {
    let authority = scheme[2]!;
    let userinfo = "";
    const at = authority.lastIndexOf("@");
    if (at >= 0) {
      userinfo = urlQuote(authority.slice(0, at), "%!$&'()*+,;=:") + "@";
      authority = authority.slice(at + 1);
    }
    let host = authority;
    let port = "";
    const colon = authority.lastIndexOf(":");
    if (colon >= 0 && !authority.endsWith("]")) {
      host = authority.slice(0, colon);
      port = authority.slice(colon);
    }
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      host = urlQuote(host, "%!$&'()*+,;=:[]");
    }
    prefix = `${scheme[1] ?? ""}//${userinfo}${host}${port}`;
    rest = iri.slice(scheme[0].length);
  }
  const hash = rest.indexOf("#");
  const fragment = hash >= 0 ? "#" + urlQuote(rest.slice(hash + 1), "%!$&'()*+,/:;=?@") : "";
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const query = q >= 0 ? "?" + urlQuote(rest.slice(q + 1), "%!$&'()*+,/:;=?@") : "";
  if (q >= 0) rest = rest.slice(0, q);
  return prefix + urlQuote(rest, "%!$&'()*+,/:;=@") + query + fragment;
}
