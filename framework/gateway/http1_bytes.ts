/**
 * Byte-level helpers the HTTP/1.1 parser and serializer share: character classes of
 * RFC 9110 as lookup tables, and latin-1 conversion between bytes and strings.
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

/**
 * Writes the latin-1 string `text` into `target` at `offset` and returns the offset after
 * it. Every character must be below U+0100 (validated headers are).
 */
export function latin1EncodeInto(text: string, target: Uint8Array, offset: number): number {
  for (let i = 0; i < text.length; i++) target[offset++] = text.charCodeAt(i);
  return offset;
}
