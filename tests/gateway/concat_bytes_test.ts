import assert from "node:assert/strict";
import { concatBytes, totalByteLength } from "../../framework/gateway/concat_bytes.ts";

Deno.test("concatBytes joins chunks in order", () => {
  const joined = concatBytes([new Uint8Array([1, 2]), new Uint8Array(0), new Uint8Array([3])]);
  assert.deepEqual(joined, new Uint8Array([1, 2, 3]));
});

Deno.test("concatBytes returns a sole chunk itself, without copying", () => {
  const only = new Uint8Array([7, 8]);
  assert.equal(concatBytes([only]), only);
});

Deno.test("concatBytes of no chunks is an empty array", () => {
  assert.equal(concatBytes([]).length, 0);
});

Deno.test("concatBytes uses a total the caller already knows", () => {
  const joined = concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])], 3);
  assert.deepEqual(joined, new Uint8Array([1, 2, 3]));
});

Deno.test("totalByteLength sums the chunks' byte lengths", () => {
  assert.equal(totalByteLength([new Uint8Array(2), new Uint8Array(5)]), 7);
  assert.equal(totalByteLength([]), 0);
});
