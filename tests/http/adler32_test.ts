// Expected values recorded from Python's zlib.adler32.
import assert from "node:assert/strict";
import { adler32 } from "../../framework/http/adler32.ts";

Deno.test("adler32 equals zlib's Adler-32, also past its modulus on long input", () => {
  const long = new Uint8Array(256 * 300).map((_, i) => i % 256);
  assert.equal(adler32(new Uint8Array()), 1);
  assert.equal(adler32(new TextEncoder().encode("a")), 6422626);
  assert.equal(adler32(new TextEncoder().encode("Wikipedia")), 300286872);
  assert.equal(adler32(long), 167277244);
});
