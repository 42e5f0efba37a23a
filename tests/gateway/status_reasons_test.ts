import assert from "node:assert/strict";
import { reasonPhrase } from "../../framework/gateway/status_reasons.ts";

Deno.test("reasonPhrase gives Werkzeug's phrases", () => {
  assert.equal(reasonPhrase(200), "OK");
  assert.equal(reasonPhrase(404), "Not Found");
  assert.equal(reasonPhrase(418), "I'm a teapot");
  assert.equal(reasonPhrase(203), "Non Authoritative Information");
  assert.equal(reasonPhrase(511), "Network Authentication Failed");
});

Deno.test("reasonPhrase says Unknown for a code without a phrase", () => {
  assert.equal(reasonPhrase(299), "Unknown");
});
