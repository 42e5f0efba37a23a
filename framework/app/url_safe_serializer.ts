/**
 * itsdangerous's `URLSafeTimedSerializer`: values signed with a secret key and a timestamp
 * into URL-safe text, token for token the format itsdangerous 2.2 and Flask's session use.
 *
 * @module
 */

import { deflateSync, inflateSync } from "node:zlib";
import { concatBytes } from "../gateway/concat_bytes.ts";
import { pyStr } from "../http/python_text.ts";
import { TaggedJSONSerializer } from "./tagged_json.ts";

/** A secret key: text (encoded as UTF-8, as itsdangerous does) or bytes. */
export type SecretKey = string | Uint8Array;

/** How the signing key is derived from the secret key and the salt (itsdangerous's names). */
export type KeyDerivation = "django-concat" | "hmac" | "concat" | "none";

/** The hash behind the key derivation and the HMAC signature. */
export type DigestMethod = "sha1" | "sha256" | "sha384" | "sha512";

/** What turns values into text and back (`JSON` by default; Flask's session uses tagged JSON). */
export interface TextSerializer {
  /** Writes a value as text. */
  dumps(value: unknown): string;
  /** Reads text written by `dumps`. */
  loads(text: string): unknown;
}

/** Options of {@link URLSafeTimedSerializer}. */
export interface URLSafeTimedSerializerOptions {
  /** Namespaces the signatures; `"itsdangerous"` by default, `null` for `"itsdangerous.Signer"`. */
  salt?: string | Uint8Array | null;
  /** `"django-concat"` by default (itsdangerous's default; Flask's session uses `"hmac"`). */
  keyDerivation?: KeyDerivation;
  /** `"sha1"` by default, as itsdangerous and Flask. */
  digestMethod?: DigestMethod;
  /** Compact JSON (`JSON.stringify`/`JSON.parse`) by default. */
  serializer?: TextSerializer;
  /** The current time in milliseconds (`Date.now` by default); for tests. */
  clock?: () => number;
}

/** Options of {@linkcode URLSafeTimedSerializer.loads}. */
export interface TimedLoadsOptions {
  /** Reject tokens signed more than this many seconds ago (or in the future). */
  maxAge?: number | null;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

// Python's repr() of bytes, for messages that read as itsdangerous's.
function bytesRepr(text: string): string {
  const bytes = encoder.encode(text);
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = "b" + quote;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === "\\" || c === quote) out += "\\" + c;
    else if (c === "\t") out += "\\t";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (b < 0x20 || b > 0x7e) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += c;
  }
  return out + quote;
}

/**
 * URL-safe base64 without padding, as itsdangerous's `base64_encode`.
 */
function base64Encode(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * itsdangerous's `base64_decode`: non-ASCII is dropped and padding is optional; both
 * alphabets are read. Unlike Python, other stray characters are refused rather than skipped.
 */
function base64Decode(text: string): Uint8Array {
  // deno-lint-ignore no-control-regex
  const clean = text.replace(/[^\x00-\x7f]/g, "").replace(/=+$/, "").replace(/-/g, "+")
    .replace(/_/g, "/");
  if (/[^A-Za-z0-9+/]/.test(clean) || clean.length % 4 === 1) {
    throw new BadData("Invalid base64-encoded data");
  }
  const binary = atob(clean + "=".repeat((4 - clean.length % 4) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function intToBytes(num: number): Uint8Array {
  const bytes: number[] = [];
  let n = BigInt(num);
  while (n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return new Uint8Array(bytes);
}

// datetime.fromtimestamp stops at the end of year 9999.
const MAX_TIMESTAMP = 253402300799;

/**
 * Base class of every error about a token's content, as itsdangerous's `BadData`.
 *
 * @example Catching any bad token
 * ```ts
 * import { BadData, URLSafeTimedSerializer } from "@phial/phial";
 * const s = new URLSafeTimedSerializer("secret");
 * try { await s.loads("garbage"); } catch (e) { e instanceof BadData; } // true
 * ```
 */
export class BadData extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong with the data.
   */
  constructor(message: string) {
    super(message);
  }
  /** The class name (`"BadSignature"`, …), as Python prints the exception type. */
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * The signature does not match (tampered token, wrong key or salt), as itsdangerous's.
 *
 * @example Detecting a tampered token
 * ```ts
 * import { BadSignature, URLSafeTimedSerializer } from "@phial/phial";
 * const s = new URLSafeTimedSerializer("secret");
 * const token = await s.dumps({ id: 1 });
 * await s.loads(token + "x").catch((e) => e instanceof BadSignature); // true
 * ```
 */
export class BadSignature extends BadData {
  /** The signed part of the token (not verified: do not trust it), when it could be found. */
  payload: Uint8Array | null;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param payload The unverified payload, if any.
   */
  constructor(message: string, payload: Uint8Array | null = null) {
    super(message);
    this.payload = payload;
  }
}

/**
 * A timestamped token's signature or timestamp is bad, as itsdangerous's `BadTimeSignature`.
 *
 * @example Reading when a forged token claims to be signed
 * ```ts
 * import { BadTimeSignature, URLSafeTimedSerializer } from "@phial/phial";
 * const token = await new URLSafeTimedSerializer("other").dumps(1);
 * await new URLSafeTimedSerializer("secret").loads(token)
 *   .catch((e) => e instanceof BadTimeSignature && e.dateSigned instanceof Date); // true
 * ```
 */
export class BadTimeSignature extends BadSignature {
  /** When the token says it was signed (unverified unless the error is {@link SignatureExpired}). */
  dateSigned: Date | null;

  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param payload The unverified payload, if any.
   * @param dateSigned The token's timestamp, if it could be read.
   */
  constructor(message: string, payload: Uint8Array | null = null, dateSigned: Date | null = null) {
    super(message, payload);
    this.dateSigned = dateSigned;
  }
}

/**
 * The signature is valid but older than `maxAge` (or from the future), as itsdangerous's.
 *
 * @example Expiry
 * ```ts
 * import { SignatureExpired, URLSafeTimedSerializer } from "@phial/phial";
 * const old = await new URLSafeTimedSerializer("k", { clock: () => 0 }).dumps(1);
 * await new URLSafeTimedSerializer("k").loads(old, { maxAge: 60 })
 *   .catch((e) => e instanceof SignatureExpired); // true
 * ```
 */
export class SignatureExpired extends BadTimeSignature {}

/**
 * The token is signed correctly but its payload cannot be decoded, as itsdangerous's
 * `BadPayload` (the serializer or the secret key is wrong for these tokens).
 *
 * @example The original error
 * ```ts
 * import { BadPayload } from "@phial/phial";
 * new BadPayload("Could not load", new SyntaxError("x")).originalError; // SyntaxError
 * ```
 */
export class BadPayload extends BadData {
  /** The error that decoding raised. */
  originalError: unknown;

  /**
   * Creates the error.
   *
   * @param message What could not be done.
   * @param originalError The underlying error.
   */
  constructor(message: string, originalError: unknown = null) {
    super(message);
    this.originalError = originalError;
  }
}

const DERIVATIONS: readonly string[] = ["django-concat", "hmac", "concat", "none"];
const DIGESTS: Record<DigestMethod, string> = {
  sha1: "SHA-1",
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

const compactJSON: TextSerializer = {
  dumps: (value) => {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError("Cannot serialize undefined as JSON");
    return text;
  },
  loads: (text) => JSON.parse(text),
};

function checkSecretKey(key: unknown): Uint8Array {
  if (typeof key === "string" || key instanceof Uint8Array) return toBytes(key);
  throw new TypeError(`A secret key must be a string or a Uint8Array, got ${typeof key}`);
}

/**
 * itsdangerous's `URLSafeTimedSerializer`: serializes a value to JSON, compresses it with
 * zlib when that is shorter (marked by a leading `.`), base64url-encodes it, and appends a
 * timestamp and an HMAC signature: `payload.timestamp.signature`. Tokens are interchangeable
 * with Python's for the same key, salt, key derivation, digest and serializer.
 *
 * Key rotation: pass a list of keys, oldest first; tokens are signed with the last key and
 * accepted when any key verifies them.
 *
 * Signing is asynchronous because it uses WebCrypto. Compression uses `node:zlib`, which
 * writes the same bytes as Python's `zlib.compress` for small payloads; on large ones the
 * compressed bytes may differ, and each side still reads the other's. The default serializer
 * is `JSON.stringify`, which writes a float such as `1.0` as `1` and small floats in fixed
 * notation where Python's `json.dumps` writes `1e-05`; such tokens differ from Python's in
 * bytes but load the same on either side.
 *
 * @example Signing and loading with an expiry
 * ```ts
 * import { URLSafeTimedSerializer } from "@phial/phial";
 * const s = new URLSafeTimedSerializer("secret key", { salt: "activate" });
 * const token = await s.dumps({ user: 42 });
 * await s.loads(token, { maxAge: 3600 }); // { user: 42 }
 * ```
 */
export class URLSafeTimedSerializer {
  /** The secret keys as bytes, oldest first; the last one signs. */
  readonly secretKeys: Uint8Array[];
  /** The salt as bytes. */
  readonly salt: Uint8Array;
  /** The key derivation. */
  readonly keyDerivation: KeyDerivation;
  /** The digest method. */
  readonly digestMethod: DigestMethod;
  /** The serializer of values. */
  readonly serializer: TextSerializer;
  #clock: () => number;
  #keys: Promise<CryptoKey[]> | undefined;

  /**
   * Creates a serializer.
   *
   * @param secretKey One secret key, or a list of keys oldest first (the last one signs).
   * @param options Salt, key derivation, digest, serializer and clock.
   * @throws {TypeError} For a missing key or an unknown option value.
   */
  constructor(secretKey: SecretKey | SecretKey[], options: URLSafeTimedSerializerOptions = {}) {
    const keys = Array.isArray(secretKey) ? secretKey : [secretKey];
    if (keys.length === 0) {
      throw new TypeError("URLSafeTimedSerializer needs at least one secret key");
    }
    this.secretKeys = keys.map(checkSecretKey);
    const { salt, keyDerivation = "django-concat", digestMethod = "sha1" } = options;
    if (
      salt !== undefined && salt !== null && typeof salt !== "string" &&
      !(salt instanceof Uint8Array)
    ) {
      throw new TypeError(`The salt must be a string, a Uint8Array or null, got ${typeof salt}`);
    }
    this.salt = toBytes(salt === undefined ? "itsdangerous" : salt ?? "itsdangerous.Signer");
    if (!DERIVATIONS.includes(keyDerivation)) {
      throw new TypeError(
        `Unknown key derivation method "${keyDerivation}": use one of ${DERIVATIONS.join(", ")}`,
      );
    }
    this.keyDerivation = keyDerivation;
    if (!Object.hasOwn(DIGESTS, digestMethod)) {
      throw new TypeError(
        `Unknown digest method "${digestMethod}": use one of ${Object.keys(DIGESTS).join(", ")}`,
      );
    }
    this.digestMethod = digestMethod;
    const serializer = options.serializer ?? compactJSON;
    if (typeof serializer.dumps !== "function" || typeof serializer.loads !== "function") {
      throw new TypeError("The serializer must have dumps(value) and loads(text) methods");
    }
    this.serializer = serializer;
    this.#clock = options.clock ?? Date.now;
  }

  #deriveKeys(): Promise<CryptoKey[]> {
    this.#keys ??= Promise.all(this.secretKeys.map(async (secret) => {
      const hash = DIGESTS[this.digestMethod];
      let key: Uint8Array;
      switch (this.keyDerivation) {
        case "concat":
          key = new Uint8Array(
            await crypto.subtle.digest(
              hash,
              concatBytes([this.salt, secret]) as Uint8Array<ArrayBuffer>,
            ),
          );
          break;
        case "django-concat":
          key = new Uint8Array(
            await crypto.subtle.digest(
              hash,
              concatBytes([this.salt, encoder.encode("signer"), secret]) as Uint8Array<ArrayBuffer>,
            ),
          );
          break;
        case "hmac":
          key = await hmac(hash, secret, this.salt);
          break;
        default:
          key = secret;
      }
      return importHmacKey(hash, key);
    }));
    return this.#keys;
  }

  #now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  /**
   * Serializes and signs a value.
   *
   * @param value The value (anything the serializer accepts).
   * @returns The token, URL-safe: `payload.timestamp.signature`.
   * @throws {TypeError} When the serializer cannot write the value.
   * @example Signing
   * ```ts
   * import { URLSafeTimedSerializer } from "@phial/phial";
   * await new URLSafeTimedSerializer("k", { clock: () => 0 }).dumps([1, 2]);
   * // "WzEsMl0..." followed by the signature
   * ```
   */
  async dumps(value: unknown): Promise<string> {
    const json = encoder.encode(this.serializer.dumps(value));
    const compressed = deflateSync(json);
    const payload = compressed.length < json.length - 1
      ? "." + base64Encode(compressed)
      : base64Encode(json);
    const signed = `${payload}.${base64Encode(intToBytes(this.#now()))}`;
    const keys = await this.#deriveKeys();
    const sig = await crypto.subtle.sign("HMAC", keys[keys.length - 1]!, encoder.encode(signed));
    return `${signed}.${base64Encode(new Uint8Array(sig))}`;
  }

  /**
   * Verifies a token and loads its value, as itsdangerous's `loads`.
   *
   * @param token A token from `dumps` (here or in Python).
   * @param options `maxAge` in seconds.
   * @returns The value.
   * @throws {SignatureExpired} When the token is older than `maxAge` (or from the future).
   * @throws {BadTimeSignature} When the signature does not match a timestamped value, or the
   *   timestamp is missing or malformed.
   * @throws {BadSignature} When the token has no signature at all or no timestamp part.
   * @throws {BadPayload} When the token is genuine but its payload cannot be decoded.
   * @example Loading
   * ```ts
   * import { URLSafeTimedSerializer } from "@phial/phial";
   * const s = new URLSafeTimedSerializer("k");
   * await s.loads(await s.dumps("hi"), { maxAge: 60 }); // "hi"
   * ```
   */
  async loads(token: string, options: TimedLoadsOptions = {}): Promise<unknown> {
    if (typeof token !== "string") {
      throw new TypeError(`URLSafeTimedSerializer.loads needs a string, got ${typeof token}`);
    }
    const { maxAge = null } = options;
    if (maxAge !== null && (typeof maxAge !== "number" || Number.isNaN(maxAge))) {
      throw new TypeError(`maxAge must be a number of seconds, got ${String(maxAge)}`);
    }
    const sigAt = token.lastIndexOf(".");
    if (sigAt < 0) throw new BadSignature("No b'.' found in value");
    const result = token.slice(0, sigAt);
    const sig = token.slice(sigAt + 1);
    const sigError = (await this.#verify(result, sig))
      ? null
      : new BadSignature(`Signature ${bytesRepr(sig)} does not match`, encoder.encode(result));

    const tsAt = result.lastIndexOf(".");
    if (tsAt < 0) {
      if (sigError) throw sigError;
      throw new BadTimeSignature("timestamp missing", encoder.encode(result));
    }
    const value = result.slice(0, tsAt);
    const payload = encoder.encode(value);
    const timestamp = decodeTimestamp(result.slice(tsAt + 1));
    if (sigError) {
      if (timestamp !== null && timestamp > MAX_TIMESTAMP) {
        throw new BadTimeSignature("Malformed timestamp", payload);
      }
      const date = timestamp === null ? null : new Date(timestamp * 1000);
      throw new BadTimeSignature(sigError.message, payload, date);
    }
    if (timestamp === null) throw new BadTimeSignature("Malformed timestamp", payload);
    if (maxAge !== null) {
      const age = this.#now() - timestamp;
      if (age > maxAge) {
        throw new SignatureExpired(
          `Signature age ${age} > ${pyStr(maxAge)} seconds`,
          payload,
          new Date(timestamp * 1000),
        );
      }
      if (age < 0) {
        throw new SignatureExpired(
          `Signature age ${age} < 0 seconds`,
          payload,
          new Date(timestamp * 1000),
        );
      }
    }
    return this.#loadPayload(value);
  }

  async #verify(value: string, sig: string): Promise<boolean> {
    let sigBytes: Uint8Array<ArrayBuffer>;
    try {
      sigBytes = base64Decode(sig) as Uint8Array<ArrayBuffer>;
    } catch {
      return false;
    }
    const data = encoder.encode(value);
    const keys = await this.#deriveKeys();
    for (let i = keys.length - 1; i >= 0; i--) {
      if (await crypto.subtle.verify("HMAC", keys[i]!, sigBytes, data)) return true;
    }
    return false;
  }

  #loadPayload(value: string): unknown {
    const compressed = value.startsWith(".");
    let bytes: Uint8Array;
    try {
      bytes = base64Decode(compressed ? value.slice(1) : value);
    } catch (e) {
      throw new BadPayload("Could not base64 decode the payload because of an exception", e);
    }
    if (compressed) {
      try {
        bytes = inflateSync(bytes);
      } catch (e) {
        throw new BadPayload(
          "Could not zlib decompress the payload before decoding the payload",
          e,
        );
      }
    }
    try {
      return this.serializer.loads(strictDecoder.decode(bytes));
    } catch (e) {
      throw new BadPayload(
        "Could not load the payload because an exception occurred on unserializing the data.",
        e,
      );
    }
  }
}

function decodeTimestamp(text: string): number | null {
  let bytes: Uint8Array;
  try {
    bytes = base64Decode(text);
  } catch {
    return null;
  }
  if (bytes.length > 8) return null;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return Number(n);
}

function importHmacKey(hash: string, key: Uint8Array): Promise<CryptoKey> {
  // WebCrypto refuses an empty HMAC key; HMAC zero-pads keys to the block size, so one
  // zero byte is the same key.
  const raw = key.length === 0 ? new Uint8Array(1) : key;
  return crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash },
    false,
    ["sign", "verify"],
  );
}

async function hmac(hash: string, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await importHmacKey(hash, key);
  return new Uint8Array(
    await crypto.subtle.sign("HMAC", cryptoKey, data as Uint8Array<ArrayBuffer>),
  );
}

/** Options of {@link sessionSerializer}. */
export interface SessionSerializerOptions {
  /** The current time in milliseconds (`Date.now` by default); for tests. */
  clock?: () => number;
}

/**
 * The serializer of Flask's session cookie (`SecureCookieSessionInterface
 * .get_signing_serializer`): salt `"cookie-session"`, HMAC key derivation, SHA-1, and
 * {@link TaggedJSONSerializer}. Old keys (Flask's `SECRET_KEY_FALLBACKS`) still verify.
 *
 * @param secretKey The application's secret key (`app.secretKey`).
 * @param fallbacks Older keys, oldest first, that still verify cookies.
 * @param options `clock` for tests.
 * @returns A serializer whose tokens Flask reads and writes with the same key.
 * @throws {TypeError} When the secret key is empty.
 * @example A session cookie value
 * ```ts
 * import { sessionSerializer } from "@phial/phial";
 * const s = sessionSerializer("dev key");
 * const cookie = await s.dumps({ user_id: 7 });
 * await s.loads(cookie, { maxAge: 31 * 24 * 3600 }); // { user_id: 7 }
 * ```
 */
export function sessionSerializer(
  secretKey: SecretKey,
  fallbacks: SecretKey[] = [],
  options: SessionSerializerOptions = {},
): URLSafeTimedSerializer {
  if (!secretKey || secretKey.length === 0) {
    throw new TypeError(
      "The session needs a secret key: set app.secretKey to something unique and secret",
    );
  }
  return new URLSafeTimedSerializer([...fallbacks, secretKey], {
    salt: "cookie-session",
    keyDerivation: "hmac",
    digestMethod: "sha1",
    serializer: new TaggedJSONSerializer(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
