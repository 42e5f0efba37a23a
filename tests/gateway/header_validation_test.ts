import assert from "node:assert/strict";
import {
  equalsLower,
  HOP_BY_HOP_HEADERS,
  isHopByHop,
  validateHeader,
  validateHeaders,
  validateStatus,
} from "../../framework/gateway/header_validation.ts";

Deno.test("isHopByHop knows every hop-by-hop name in any case, and nothing else", () => {
  for (const name of HOP_BY_HOP_HEADERS) {
    assert.equal(isHopByHop(name), true, name);
    assert.equal(isHopByHop(name.toUpperCase()), true, name);
  }
  for (const name of ["Content-Type", "Content-Length", "Server", "Date", "Tea", "Upgrades", "t"]) {
    assert.equal(isHopByHop(name), false, name);
  }
});

Deno.test("equalsLower compares ASCII names ignoring case", () => {
  assert.equal(equalsLower("Content-Type", "content-type"), true);
  assert.equal(equalsLower("CONTENT-TYPE", "content-type"), true);
  assert.equal(equalsLower("Content-Typo", "content-type"), false);
  assert.equal(equalsLower("Content-Type ", "content-type"), false);
});

Deno.test("validateStatus gives the code of a well-formed status line", () => {
  assert.equal(validateStatus("200 OK"), 200);
  assert.equal(validateStatus("404 Not Found"), 404);
  assert.equal(validateStatus("599 Custom\tPhrase"), 599);
  assert.equal(validateStatus("102 "), 102);
});

Deno.test("validateStatus rejects non-strings and bad shapes with a TypeError", () => {
  for (const bad of [200, "200", " 200 OK", "2x0 OK", "200-OK", "200 O\x7fK", "200 caf\u0100"]) {
    assert.throws(() => validateStatus(bad as string), TypeError, String(bad));
  }
});

Deno.test("validateHeader accepts tokens with latin-1 values", () => {
  validateHeader("X-Custom_Name.1", "value with spaces, tabs\tand caf\xe9");
  validateHeader("Set-Cookie", "a=b; Path=/");
});

Deno.test("validateHeaders names the offending header", () => {
  assert.throws(
    () => validateHeaders([["Content-Type", "text/plain"], ["X-Bad", "a\r\nb"]]),
    /X-Bad/,
  );
  assert.throws(() => validateHeaders([["Keep-Alive", "timeout=5"]]), /Keep-Alive is hop-by-hop/);
  assert.throws(() => validateHeaders([["X-Num", 1 as unknown as string]]), /string value/);
  assert.throws(() => validateHeaders("X: y" as unknown as [string, string][]), /array/);
  assert.throws(() => validateHeaders([["Only-Name"] as unknown as [string, string]]), /pair/);
});

Deno.test("validation remembers valid pairs but still rejects a bad value for a known name", () => {
  for (let round = 0; round < 3; round++) {
    validateHeaders([["Content-Type", "text/html"], ["X-Trace", "abc"]]);
    assert.throws(() => validateHeaders([["Content-Type", "text/html\r\nX-Evil: 1"]]), TypeError);
    assert.throws(() => validateHeaders([["X-Trace", "a\nb"]]), TypeError);
    assert.throws(() => validateHeaders([["Content-Type", 7 as unknown as string]]), TypeError);
  }
  // Many made-up names: the memo stays bounded and every pair is still checked.
  for (let i = 0; i < 1000; i++) validateHeaders([[`X-Name-${i}`, `${i}`]]);
  assert.throws(() => validateHeaders([["X-Name-999", "\0"]]), TypeError);
  assert.throws(() => validateHeaders([["X-Name-5 ", "5"]]), TypeError);
});

Deno.test("validateStatus remembers the last status line but still rejects bad ones", () => {
  assert.equal(validateStatus("200 OK"), 200);
  assert.equal(validateStatus("200 OK"), 200);
  assert.throws(() => validateStatus(""), TypeError);
  assert.throws(() => validateStatus("200 OK\r\n"), TypeError);
  assert.equal(validateStatus("404 Not Found"), 404);
  assert.equal(validateStatus("404 Not Found"), 404);
  assert.equal(validateStatus("200 OK"), 200);
  assert.throws(() => validateStatus(200 as unknown as string), TypeError);
});
