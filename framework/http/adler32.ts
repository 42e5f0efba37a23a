/**
 * zlib's Adler-32 checksum, which Werkzeug's file ETags end with.
 *
 * @module
 */

/**
 * The Adler-32 checksum of some bytes, unsigned, as Python's `zlib.adler32`.
 *
 * @param bytes The bytes.
 * @returns The checksum, from 0 to 2^32 - 1.
 *
 * @example
 * ```ts
 * import { adler32 } from "@phial/phial";
 * adler32(new TextEncoder().encode("Wikipedia")); // 300286872
 * ```
 */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}
