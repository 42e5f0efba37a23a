import assert from "node:assert/strict";
import { isWellFormedHost, stripDefaultPort } from "../../framework/http/host.ts";

Deno.test("stripDefaultPort drops only the scheme's own default port", () => {
  assert.equal(stripDefaultPort("a.example:80", "http"), "a.example");
  assert.equal(stripDefaultPort("a.example:80", "ws"), "a.example");
  assert.equal(stripDefaultPort("a.example:443", "https"), "a.example");
  assert.equal(stripDefaultPort("a.example:443", "wss"), "a.example");
  assert.equal(stripDefaultPort("a.example:443", "http"), "a.example:443");
  assert.equal(stripDefaultPort("a.example:80", "https"), "a.example:80");
  assert.equal(stripDefaultPort("a.example:8080", "http"), "a.example:8080");
});

Deno.test("isWellFormedHost accepts names and bracketed IPv6, with a port", () => {
  for (const host of ["localhost", "a-b.example:8000", "127.0.0.1", "[::1]", "[::1]:8080"]) {
    assert.equal(isWellFormedHost(host), true, host);
  }
  for (const host of ["", "a b", "a/b", "::1", "[::1", "a:", "a.example:80x", "évian.fr"]) {
    assert.equal(isWellFormedHost(host), false, host);
  }
});
