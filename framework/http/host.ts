/**
 * The request host as Werkzeug's `get_host` shapes it: the scheme's default port dropped,
 * and a check that what is left is a well-formed host.
 *
 * @module
 */

const HOST_RE = /^(?:[a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::[0-9]+)?$/i;

/**
 * `host` without `:80` for http and ws, or `:443` for https and wss.
 *
 * @example
 * ```ts
 * import { stripDefaultPort } from "./host.ts";
 * stripDefaultPort("example.com:80", "http"); // "example.com"
 * stripDefaultPort("example.com:80", "https"); // "example.com:80"
 * ```
 */
export function stripDefaultPort(host: string, scheme: string): string {
  if ((scheme === "http" || scheme === "ws") && host.endsWith(":80")) return host.slice(0, -3);
  if ((scheme === "https" || scheme === "wss") && host.endsWith(":443")) return host.slice(0, -4);
  return host;
}

/**
 * Whether `host` is a name (letters, digits, `.`, `-`) or a bracketed IPv6 address, with
 * an optional port.
 *
 * @example
 * ```ts
 * import { isWellFormedHost } from "./host.ts";
 * isWellFormedHost("[::1]:8080"); // true
 * isWellFormedHost("exa mple.com"); // false
 * ```
 */
export function isWellFormedHost(host: string): boolean {
  return HOST_RE.test(host);
}
