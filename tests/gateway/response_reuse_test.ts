import assert from "node:assert/strict";
import { ResponseReuse } from "../../framework/gateway/response_reuse.ts";
import { toFetchHandler } from "../../framework/gateway/to_fetch_handler.ts";
import type { WsgiApp } from "../../framework/gateway/types.ts";

const HEADERS: [string, string][] = [["Content-Type", "text/html"]];

Deno.test("ResponseReuse tells a repeated head and keeps what was derived from it", () => {
  const reuse = new ResponseReuse(0);
  assert.equal(reuse.sameHead(200, "200 OK", [["Content-Type", "text/html"]]), false);
  reuse.derived = 7;
  assert.equal(reuse.sameHead(200, "200 OK", [["Content-Type", "text/html"]]), true);
  assert.equal(reuse.derived, 7);
  assert.equal(reuse.sameHead(200, "200 Fine", [["Content-Type", "text/html"]]), false);
  assert.equal(reuse.sameHead(200, "200 Fine", [["Content-Type", "text/plain"]]), false);
  assert.equal(reuse.sameHead(201, "201 Created", [["Content-Type", "text/plain"]]), false);
  assert.equal(reuse.sameHead(201, "201 Created", []), false);
  assert.equal(reuse.sameHead(201, "201 Created", []), true);
});

Deno.test("ResponseReuse builds twice, then copies, and starts over on a new body or head", async () => {
  const reuse = new ResponseReuse(0);
  const build = (text: string) => new Response(text, { headers: HEADERS });
  reuse.sameHead(200, "200 OK", HEADERS);
  assert.equal(reuse.copy("a"), undefined);
  const first = build("a");
  assert.equal(reuse.keep(first), first);
  reuse.sameHead(200, "200 OK", HEADERS);
  assert.equal(reuse.copy("a"), undefined);
  const second = build("a");
  const given = reuse.keep(second);
  assert.notEqual(given, second);
  reuse.sameHead(200, "200 OK", HEADERS);
  const third = reuse.copy("a");
  assert.ok(third instanceof Response);
  const fourth = reuse.copy("a");
  assert.notEqual(third, fourth);
  for (const response of [given, third, fourth!]) {
    assert.equal(await response.text(), "a");
    assert.equal(response.headers.get("content-type"), "text/html");
  }
  // Each copy is its own: reading one leaves the kept response usable.
  assert.equal(await reuse.copy("a")!.text(), "a");
  assert.equal(reuse.copy("b"), undefined);
  const other = build("b");
  assert.equal(reuse.keep(other), other);
  assert.equal(reuse.sameHead(404, "404 Not Found", HEADERS), false);
  assert.equal(reuse.copy("b"), undefined);
});

Deno.test("toFetchHandler answers repeated and changing responses exactly", async () => {
  const bytes = new TextEncoder().encode("<p>one</p>");
  const headers: [string, string][] = [["Content-Type", "text/html"], ["X-N", "1"]];
  let status = "200 OK";
  const app: WsgiApp = (_environ, startResponse) => {
    startResponse(status, headers);
    return [bytes];
  };
  const handler = toFetchHandler(app);
  const get = async () => {
    const response = await handler(new Request("http://h/"));
    return [response.status, response.headers.get("x-n"), await response.text()];
  };
  for (let i = 0; i < 4; i++) assert.deepEqual(await get(), [200, "1", "<p>one</p>"]);
  // The app rewrites its buffer and its header list in place.
  bytes.set(new TextEncoder().encode("<p>two</p>"));
  assert.deepEqual(await get(), [200, "1", "<p>two</p>"]);
  headers[1] = ["X-N", "2"];
  assert.deepEqual(await get(), [200, "2", "<p>two</p>"]);
  assert.deepEqual(await get(), [200, "2", "<p>two</p>"]);
  status = "201 Created";
  assert.deepEqual(await get(), [201, "2", "<p>two</p>"]);
  assert.deepEqual(await get(), [201, "2", "<p>two</p>"]);
});
