/**
 * The test client's cookie jar: stores `Set-Cookie` answers and sends the matching
 * cookies back, honouring domain, path and expiry (Werkzeug's `werkzeug.test.Cookie`).
 *
 * @module
 */

import { parseCookie } from "../http/cookies.ts";

/** One stored cookie, as the server set it. */
export interface Cookie {
  /** The name as sent. */
  key: string;
  /** The value as sent (quotes and escapes kept). */
  value: string;
  /** The value with RFC 6265 quoting removed. */
  decodedValue: string;
  /** The `Expires` attribute, or `null`. */
  expires: Date | null;
  /** The `Max-Age` attribute in seconds, or `null`. */
  maxAge: number | null;
  /** The domain it belongs to (the setting host when no `Domain` was given). */
  domain: string;
  /** Sent only to `domain` itself, not its subdomains (no `Domain` attribute). */
  originOnly: boolean;
  /** The path it is sent for. */
  path: string;
  /** The `Secure` flag. */
  secure: boolean;
  /** The `HttpOnly` flag. */
  httpOnly: boolean;
  /** The `SameSite` attribute, or `null`. */
  sameSite: string | null;
  /** When it stops being sent (from `Max-Age`, else `Expires`), or `null` for a session cookie. */
  expiresAt: number | null;
}

/** The value with cookie quoting removed, as the server's parser would read it. */
function decodeCookieValue(key: string, value: string): string {
  return parseCookie(`${key}=${value}`).get(key) ?? value;
}

function parseCookieDate(value: string | undefined): Date | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

/**
 * Parses one `Set-Cookie` header as the client received it from `serverName` for a
 * request to `requestPath`.
 *
 * @returns the cookie, or `null` when the header has no `name=` part
 */
export function parseSetCookie(
  serverName: string,
  requestPath: string,
  header: string,
  now: number = Date.now(),
): Cookie | null {
  const semi = header.indexOf(";");
  const pair = semi < 0 ? header : header.slice(0, semi);
  const eq = pair.indexOf("=");
  if (eq < 0) return null;
  const key = pair.slice(0, eq).trim();
  if (key === "") return null;
  const value = pair.slice(eq + 1).trim();
  const params: Record<string, string | null> = {};
  if (semi >= 0) {
    for (const item of header.slice(semi + 1).split(";")) {
      const i = item.indexOf("=");
      const k = (i < 0 ? item : item.slice(0, i)).trim().toLowerCase();
      if (k) params[k] = i < 0 ? null : item.slice(i + 1).trim();
    }
  }
  let maxAge: number | null = null;
  if ("max-age" in params) {
    const n = Number.parseInt(params["max-age"] ?? "0", 10);
    maxAge = Number.isNaN(n) ? 0 : n;
  }
  const expires = parseCookieDate(params["expires"] ?? undefined);
  let domain = (params["domain"] ?? "").toLowerCase();
  if (domain.startsWith(".")) domain = domain.slice(1);
  let path = params["path"] ?? "";
  if (!path.startsWith("/")) {
    // RFC 6265 5.1.4: the default path is the request path's directory.
    const slash = requestPath.lastIndexOf("/");
    path = slash > 0 ? requestPath.slice(0, slash) : "/";
  }
  return {
    key,
    value,
    decodedValue: decodeCookieValue(key, value),
    expires,
    maxAge,
    domain: domain || serverName.toLowerCase(),
    originOnly: !domain,
    path,
    secure: "secure" in params,
    httpOnly: "httponly" in params,
    sameSite: params["samesite"] ?? null,
    expiresAt: maxAge !== null ? now + maxAge * 1000 : expires ? expires.getTime() : null,
  };
}

/** Whether `cookie` has expired at `now` (milliseconds since the epoch). */
function isExpired(cookie: Cookie, now: number): boolean {
  return cookie.expiresAt !== null && cookie.expiresAt <= now;
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

function domainMatches(serverName: string, cookie: Cookie): boolean {
  const host = serverName.toLowerCase();
  if (host === cookie.domain) return true;
  return !cookie.originOnly && host.endsWith(`.${cookie.domain}`);
}

/**
 * Cookies keyed by domain, path and name, as a browser keeps them for one user.
 *
 * @example
 * ```ts
 * import { CookieJar } from "@phial/phial";
 * const jar = new CookieJar();
 * jar.updateFromResponse("localhost", "/login", ["sid=abc; Path=/; HttpOnly"]);
 * jar.requestHeader("localhost", "/account"); // "sid=abc"
 * ```
 */
export class CookieJar {
  #cookies: Map<string, Cookie> = new Map();

  static #storageKey(domain: string, path: string, key: string): string {
    return `${domain}\n${path}\n${key}`;
  }

  /** The number of stored cookies (expired ones included until next used). */
  get size(): number {
    return this.#cookies.size;
  }

  /** Every stored cookie that has not expired. */
  *[Symbol.iterator](): IterableIterator<Cookie> {
    const now = Date.now();
    for (const cookie of this.#cookies.values()) {
      if (!isExpired(cookie, now)) yield cookie;
    }
  }

  /** The cookie stored under `domain`, `path` and `key`, if it is still alive. */
  get(key: string, domain: string = "localhost", path: string = "/"): Cookie | undefined {
    const cookie = this.#cookies.get(CookieJar.#storageKey(domain, path, key));
    if (cookie && isExpired(cookie, Date.now())) return undefined;
    return cookie;
  }

  /** Stores `cookie`, or removes the stored one when `cookie` is already expired. */
  set(cookie: Cookie, now: number = Date.now()): void {
    const k = CookieJar.#storageKey(cookie.domain, cookie.path, cookie.key);
    if (isExpired(cookie, now)) this.#cookies.delete(k);
    else this.#cookies.set(k, cookie);
  }

  /** Removes the cookie stored under `domain`, `path` and `key`. */
  delete(key: string, domain: string = "localhost", path: string = "/"): boolean {
    return this.#cookies.delete(CookieJar.#storageKey(domain, path, key));
  }

  /** Removes every cookie. */
  clear(): void {
    this.#cookies.clear();
  }

  /** Applies a response's `Set-Cookie` headers for a request to `serverName` + `path`. */
  updateFromResponse(serverName: string, path: string, setCookies: Iterable<string>): void {
    const now = Date.now();
    for (const header of setCookies) {
      const cookie = parseSetCookie(serverName, path, header, now);
      if (cookie) this.set(cookie, now);
    }
  }

  /** The `Cookie` header value for a request to `serverName` + `path`, or `""`. */
  requestHeader(serverName: string, path: string): string {
    const now = Date.now();
    const parts: string[] = [];
    for (const [k, cookie] of this.#cookies) {
      if (isExpired(cookie, now)) {
        this.#cookies.delete(k);
        continue;
      }
      if (domainMatches(serverName, cookie) && pathMatches(path, cookie.path)) {
        parts.push(`${cookie.key}=${cookie.value}`);
      }
    }
    return parts.join("; ");
  }
}
