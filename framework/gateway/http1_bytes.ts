/**
 * Byte-level helpers the HTTP/1.1 parser and serializer share: character classes of
 * RFC 9110 as lookup tables (and the token check header names use everywhere), and
 * latin-1 conversion between bytes and strings.
 *
 * @module
 */

/** Carriage return. */
export const CR = 13;
/** Line feed. */
export const LF = 10;
/** Space. */
export const SP = 32;
/** Horizontal tab. */
export const HTAB = 9;

function table(predicate: (byte: number) => boolean): Uint8Array {
  const out = new Uint8Array(256);
  for (let b = 0; b < 256; b++) out[b] = predicate(b) ? 1 : 0;
  return out;
}

const TCHAR_EXTRA = "!#$%&'*+-.^_`|~";

/** 1 for the `tchar` bytes of RFC 9110 (token characters), else 0. */
export const TCHAR: Uint8Array = table((b) =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
  TCHAR_EXTRA.includes(String.fromCharCode(b))
);

/**
 * Whether `text` is a non-empty RFC 9110 token (only `tchar`s), such as a header name.
 *
 * @example
 * ```ts
 * import { isTokenText } from "./http1_bytes.ts";
 * isTokenText("Content-Type"); // true
 * isTokenText("a b"); // false
 * ```
 */
export function isTokenText(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127 || TCHAR[c] === 0) return false;
  }
  return true;
}

/** 1 for bytes allowed in a field value (VCHAR, obs-text, SP, HTAB), else 0. */
export const FIELD_VALUE: Uint8Array = table((b) =>
  b === HTAB || (b >= 0x20 && b <= 0x7e) || b >= 0x80
);

/** 1 for bytes allowed in a request target (visible ASCII), else 0. */
export const TARGET_CHAR: Uint8Array = table((b) => b >= 0x21 && b <= 0x7e);

/**
 * Decodes `bytes[start, end)` as latin-1 (one character per byte).
 *
 * @example
 * ```ts
 * import { latin1Decode } from "./http1_bytes.ts";
 * latin1Decode(new Uint8Array([0x68, 0xe9]), 0, 2); // "hé"
 * ```
 */
export function latin1Decode(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length <= 0) return "";
  if (length <= 4096) {
    // deno-lint-ignore no-explicit-any
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as any);
  }
  let out = "";
  for (let i = start; i < end; i += 4096) {
    // deno-lint-ignore no-explicit-any
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as any);
  }
  return out;
}

const MEMO_SLOTS = 256;
const MEMO_MAX = 64;
const memoBytes: (Uint8Array | undefined)[] = new Array(MEMO_SLOTS).fill(undefined);
const memoTexts: string[] = new Array(MEMO_SLOTS).fill("");

/**
 * {@linkcode latin1Decode} for strings that repeat from request to request (a `Host`
 * value, a path): short ones are remembered in a small table keyed by a hash of their
 * bytes, so a repeat costs a comparison instead of a new string.
 *
 * @example
 * ```ts
 * import { latin1DecodeMemo } from "./http1_bytes.ts";
 * const bytes = new TextEncoder().encode("example.com");
 * latin1DecodeMemo(bytes, 0, bytes.length) === latin1DecodeMemo(bytes, 0, bytes.length); // true
 * ```
 */
export function latin1DecodeMemo(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > MEMO_MAX || length <= 0) return latin1Decode(bytes, start, end);
  let hash = length;
  for (let i = start; i < end; i++) hash = (hash * 31 + bytes[i]!) | 0;
  const slot = (hash ^ (hash >>> 8)) & (MEMO_SLOTS - 1);
  const known = memoBytes[slot];
  if (known !== undefined && known.length === length) {
    let i = 0;
    while (i < length && known[i] === bytes[start + i]) i++;
    if (i === length) return memoTexts[slot]!;
  }
  const text = latin1Decode(bytes, start, end);
  memoBytes[slot] = bytes.slice(start, end);
  memoTexts[slot] = text;
  return text;
}

/**
 * Writes the latin-1 string `text` into `target` at `offset` and returns the offset after
 * it. Every character must be below U+0100 (validated headers are).
 */
export function latin1EncodeInto(text: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) target[offset++] = text.charCodeAt(i);
  return offset;
}
