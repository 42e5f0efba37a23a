/**
 * Joining byte chunks into one array, which bodies, inputs and responses all need.
 *
 * @module
 */

/**
 * Sums the byte lengths of `chunks`.
 *
 * @example
 * ```ts
 * import { totalByteLength } from "./concat_bytes.ts";
 * totalByteLength([new Uint8Array(2), new Uint8Array(3)]); // 5
 * ```
 */
export function totalByteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  return total;
}

/**
 * Joins byte chunks into one array: the chunk itself (no copy) when there is exactly one,
 * an empty array when there is none.
 *
 * @param chunks the pieces, in order
 * @param total their summed length, when the caller already knows it
 * @example
 * ```ts
 * import { concatBytes } from "./concat_bytes.ts";
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(
  chunks: readonly Uint8Array[],
  total?: number,
): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total ?? totalByteLength(chunks));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
