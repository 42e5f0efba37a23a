// Unit tests of the byte helpers: latin-1 decoding (plain and memoized) and encoding, tokens.
import assert from "node:assert/strict";
import {
  isTokenText,
  latin1Decode,
  latin1DecodeMemo,
  latin1EncodeInto,
  TCHAR,
} from "../../framework/gateway/http1_bytes.ts";

Deno.test("latin1Decode maps every byte to the character with that code", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const text = latin1Decode(all, 0, 256);
  assert.equal(text.length, 256);
  for (let i = 0; i < 256; i++) assert.equal(text.charCodeAt(i), i);
  const long = new Uint8Array(10000).fill(0xe9);
  assert.equal(latin1Decode(long, 0, long.length), "\xe9".repeat(10000));
});

Deno.test("latin1DecodeMemo gives the same text as latin1Decode for many distinct values", () => {
  const seen = new Set<string>();
  for (let n = 0; n < 5000; n++) {
    const value = `v${n}-${(n * 7919) % 1000}\xe9`;
    const bytes = Uint8Array.from(value, (c) => c.charCodeAt(0));
    assert.equal(latin1DecodeMemo(bytes, 0, bytes.length), value);
    assert.equal(latin1DecodeMemo(bytes, 1, bytes.length), value.slice(1));
    seen.add(value);
  }
  const long = "x".repeat(100);
  assert.equal(latin1DecodeMemo(Uint8Array.from(long, (c) => c.charCodeAt(0)), 0, 100), long);
  assert.equal(seen.size, 5000);
});

Deno.test("latin1EncodeInto writes one byte per character at an offset", () => {
  const out = new Uint8Array(6);
  assert.equal(latin1EncodeInto("ab\xff", out, 2), 5);
  assert.deepEqual([...out], [0, 0, 0x61, 0x62, 0xff, 0]);
});

Deno.test("TCHAR holds exactly RFC 9110's token characters", () => {
  const tokens = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  for (let b = 0; b < 256; b++) {
    assert.equal(TCHAR[b], tokens.includes(String.fromCharCode(b)) ? 1 : 0, `byte ${b}`);
  }
});

Deno.test("isTokenText accepts non-empty runs of RFC 9110 tchars only", () => {
  assert.equal(isTokenText("Content-Type"), true);
  assert.equal(isTokenText("!#$%&'*+-.^_`|~09AZaz"), true);
  for (const text of ["", "a b", "a:b", 'a"b', "a,b", "caf\u00e9", "a\u0100", "x\r\n"]) {
    assert.equal(isTokenText(text), false, JSON.stringify(text));
  }
});
