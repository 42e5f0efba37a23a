/**
 * HTTP authentication headers: `Authorization` (request: Basic, Bearer, Digest and other
 * schemes) and `WWWAuthenticate` (response challenges), as Werkzeug's.
 *
 * @module
 */

import { dumpHeader, parseDictHeader, quoteHeaderValue } from "./header_values.ts";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** A header value's scheme, lower-cased, and the rest of it, trimmed. */
function splitScheme(value: string): [scheme: string, rest: string] {
  const space = value.indexOf(" ");
  const scheme = (space === -1 ? value : value.slice(0, space)).toLowerCase();
  return [scheme, space === -1 ? "" : value.slice(space + 1).trim()];
}

/**
 * What follows the scheme, as `[parameters, null]` when it holds `key=value` pairs, else
 * as `[null, token]` (a token may end in base64 `=` padding).
 */
function parametersOrToken(
  rest: string,
): [parameters: Record<string, string | null> | null, token: string | null] {
  if (rest.replace(/=+$/, "").includes("=")) return [parseDictHeader(rest), null];
  return [null, rest];
}

/**
 * Decodes base64 as Python's non-strict `base64.b64decode`: characters outside the
 * alphabet are skipped, a complete padded quad ends the data, and a dangling partial quad
 * is an error (`null`).
 */
function decodeBase64Lenient(text: string): Uint8Array | null {
  const out: number[] = [];
  let quad = 0;
  let acc = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) {
        quad = 0;
        break;
      }
      continue;
    }
    const v = c < 128 ? B64_INDEX[c]! : -1;
    if (v < 0) continue;
    pads = 0;
    acc = (acc << 6) | v;
    quad++;
    if (quad === 2) out.push((acc >> 4) & 0xff);
    else if (quad === 3) out.push((acc >> 2) & 0xff);
    else if (quad === 4) {
      out.push(acc & 0xff);
      quad = 0;
      acc = 0;
    }
  }
  if (quad !== 0) return null;
  return new Uint8Array(out);
}

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Python's `str.title()`: upper-case the first letter after each non-letter. */
function pyTitle(text: string): string {
  let out = "";
  let upper = true;
  for (const c of text) {
    const isLetter = c.toLowerCase() !== c.toUpperCase();
    out += isLetter ? (upper ? c.toUpperCase() : c.toLowerCase()) : c;
    upper = !isLetter;
  }
  return out;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The parts of an `Authorization` request header (Werkzeug's `Authorization`): the
 * lower-cased scheme `type`, and either a `token` (Bearer and other token schemes) or
 * `parameters` (Digest-style `key=value` lists; Basic decodes to `username` and
 * `password`).
 *
 * @example
 * ```ts
 * import { Authorization } from "@phial/phial";
 * const auth = Authorization.fromHeader("Basic dXNlcjpwYXNz");
 * auth?.type;     // "basic"
 * auth?.username; // "user"
 * auth?.password; // "pass"
 * Authorization.fromHeader("Bearer abc")?.token; // "abc"
 * ```
 */
export class Authorization {
  /** The scheme, lower-cased: `"basic"`, `"bearer"`, `"digest"`, … */
  type: string;
  /** The parameters (`username`/`password` for Basic; Digest's fields). */
  parameters: Record<string, string | null>;
  /** The token, for token schemes such as Bearer; otherwise `null`. */
  token: string | null;

  /**
   * Creates the credentials from their scheme and parameters or token.
   *
   * @param type The scheme.
   * @param parameters The parameters, if any.
   * @param token The token, if any.
   */
  constructor(
    type: string,
    parameters?: Record<string, string | null> | null,
    token?: string | null,
  ) {
    this.type = type;
    this.parameters = parameters ?? {};
    this.token = token ?? null;
  }

  /** The `username` parameter (Basic, Digest), or `null`. */
  get username(): string | null {
    return this.get("username");
  }

  /** The `password` parameter (Basic), or `null`. */
  get password(): string | null {
    return this.get("password");
  }

  /** A parameter by name, or `fallback` (default `null`). */
  get(key: string, fallback: string | null = null): string | null {
    return Object.hasOwn(this.parameters, key) ? this.parameters[key]! : fallback;
  }

  /** Whether the parameter `key` is present. */
  has(key: string): boolean {
    return Object.hasOwn(this.parameters, key);
  }

  /**
   * Parses an `Authorization` header as Werkzeug's `Authorization.from_header`: `null` for
   * a missing or empty header, or for a Basic value that is not valid base64 of UTF-8.
   *
   * @param value The header value.
   * @returns The parsed header, or `null`.
   */
  static fromHeader(value: string | null | undefined): Authorization | null {
    if (!value) return null;
    const [scheme, rest] = splitScheme(value);
    if (scheme === "basic") {
      // Werkzeug fails with a 500 on non-ASCII base64; here it is simply not credentials.
      if (/[^ -~\t]/.test(rest)) return null;
      const bytes = decodeBase64Lenient(rest);
      if (bytes === null) return null;
      let text: string;
      try {
        text = fatalUtf8.decode(bytes);
      } catch {
        return null;
      }
      const colon = text.indexOf(":");
      return new Authorization(scheme, {
        username: colon === -1 ? text : text.slice(0, colon),
        password: colon === -1 ? "" : text.slice(colon + 1),
      });
    }
    return new Authorization(scheme, ...parametersOrToken(rest));
  }

  /** The header value (`Basic <base64>`, `Bearer <token>`, `Digest k=v, …`). */
  toHeader(): string {
    if (this.type === "basic") {
      const pair = `${this.username ?? ""}:${this.password ?? ""}`;
      return `Basic ${encodeBase64(new TextEncoder().encode(pair))}`;
    }
    if (this.token !== null) return `${pyTitle(this.type)} ${this.token}`;
    return `${pyTitle(this.type)} ${dumpHeader(this.parameters)}`;
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}

const DIGEST_QUOTED = new Set(["realm", "domain", "nonce", "opaque", "qop"]);

/**
 * A `WWW-Authenticate` challenge (Werkzeug's `WWWAuthenticate`): a scheme with either a
 * token or parameters. Pass one (or a list) to `Unauthorized` or set it on a response.
 *
 * @example
 * ```ts
 * import { WWWAuthenticate } from "@phial/phial";
 * String(new WWWAuthenticate("basic", { realm: "Login Required" }));
 * // 'Basic realm="Login Required"'
 * ```
 */
export class WWWAuthenticate {
  /** The scheme, lower-cased. */
  type: string;
  /** The challenge parameters. */
  parameters: Record<string, string | null>;
  /** A token instead of parameters, or `null`. */
  token: string | null;

  /**
   * Creates a challenge from its scheme and parameters or token.
   *
   * @param type The scheme (lower-cased).
   * @param parameters The parameters, such as `realm`.
   * @param token A token instead of parameters.
   */
  constructor(
    type: string,
    parameters?: Record<string, string | null> | null,
    token?: string | null,
  ) {
    this.type = type.toLowerCase();
    this.parameters = { ...(parameters ?? {}) };
    this.token = token ?? null;
  }

  /** A parameter by name, or `fallback` (default `null`). */
  get(key: string, fallback: string | null = null): string | null {
    return Object.hasOwn(this.parameters, key) ? this.parameters[key]! : fallback;
  }

  /** Sets a parameter; `null` removes it. */
  set(key: string, value: string | null): void {
    if (value === null) delete this.parameters[key];
    else this.parameters[key] = value;
  }

  /** Whether the parameter `key` is present. */
  has(key: string): boolean {
    return Object.hasOwn(this.parameters, key);
  }

  /**
   * Parses a `WWW-Authenticate` header value; `null` when empty.
   *
   * @param value The header value.
   * @returns The challenge, or `null`.
   */
  static fromHeader(value: string | null | undefined): WWWAuthenticate | null {
    if (!value) return null;
    const [scheme, rest] = splitScheme(value);
    return new WWWAuthenticate(scheme, ...parametersOrToken(rest));
  }

  /** The header value, as Werkzeug's `to_header` (Digest quotes its standard fields). */
  toHeader(): string {
    const scheme = pyTitle(this.type);
    if (this.token !== null) return `${scheme} ${this.token}`;
    const entries = Object.entries(this.parameters);
    if (entries.length === 0) return scheme;
    if (this.type === "digest") {
      const items = entries.map(([key, value]) =>
        `${key}=${quoteHeaderValue(value, !DIGEST_QUOTED.has(key))}`
      );
      return `Digest ${items.join(", ")}`;
    }
    return `${scheme} ${dumpHeader(this.parameters)}`;
  }

  /** The header value. */
  toString(): string {
    return this.toHeader();
  }
}
