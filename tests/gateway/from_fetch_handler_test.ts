import assert from "node:assert/strict";
import {
  fromFetchHandler,
  requestFromEnviron,
} from "../../framework/gateway/from_fetch_handler.ts";
import { toFetchHandler } from "../../framework/gateway/to_fetch_handler.ts";
import { runApp } from "../../framework/gateway/run_app.ts";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import { testEnviron } from "./environ_fixture.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("requestFromEnviron rebuilds method, URL, headers and body", async () => {
  const request = requestFromEnviron(testEnviron({
    REQUEST_METHOD: "POST",
    SCRIPT_NAME: "/api",
    PATH_INFO: "/café items",
    QUERY_STRING: "a=1&b=%20",
    HTTP_HOST: "example.com:8080",
    HTTP_X_TRACE_ID: "t1",
    CONTENT_TYPE: "text/plain",
    CONTENT_LENGTH: "5",
    "wsgi.input": bytesInput(enc.encode("hello")),
  }));
  assert.equal(request.method, "POST");
  assert.equal(request.url, "http://example.com:8080/api/caf%C3%A9%20items?a=1&b=%20");
  assert.equal(request.headers.get("x-trace-id"), "t1");
  assert.equal(request.headers.get("content-type"), "text/plain");
  assert.equal(await request.text(), "hello");
});

Deno.test("requestFromEnviron keeps the raw path when it still matches PATH_INFO", () => {
  const request = requestFromEnviron(testEnviron({
    PATH_INFO: "/a/b",
    RAW_URI: "/a%2Fb?x",
  }));
  assert.equal(new URL(request.url).pathname, "/a%2Fb");
  const moved = requestFromEnviron(testEnviron({ PATH_INFO: "/b", RAW_URI: "/a%2Fb" }));
  assert.equal(new URL(moved.url).pathname, "/b");
});

Deno.test("requestFromEnviron uses SERVER_NAME and a non-default port without Host", () => {
  const environ = testEnviron({ SERVER_NAME: "::1", SERVER_PORT: "8443" });
  delete environ.HTTP_HOST;
  environ["wsgi.url_scheme"] = "https";
  assert.equal(requestFromEnviron(environ).url, "https://[::1]:8443/");
});

Deno.test("fromFetchHandler answers with the Response's status, reason and headers", async () => {
  const app = fromFetchHandler((request) =>
    new Response(`you asked for ${new URL(request.url).pathname}`, {
      status: 404,
      headers: [["X-A", "1"], ["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]],
    })
  );
  const response = await runApp(app, testEnviron({ PATH_INFO: "/missing" }));
  assert.equal(response.status, "404 Not Found");
  assert.deepEqual(
    response.headers.filter(([n]) => n !== "content-type"),
    [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-a", "1"]],
  );
  let body = "";
  for (const c of response.chunks) body += dec.decode(c);
  for (let c = await response.next(); c; c = await response.next()) body += dec.decode(c);
  assert.equal(body, "you asked for /missing");
});

Deno.test("fromFetchHandler keeps a custom statusText and drops hop-by-hop headers", async () => {
  const app = fromFetchHandler(() =>
    new Response(null, {
      status: 299,
      statusText: "Fine",
      headers: [["Connection", "close"], ["Keep-Alive", "timeout=5"], ["X-Ok", "1"]],
    })
  );
  const response = await runApp(app, testEnviron());
  assert.equal(response.status, "299 Fine");
  assert.deepEqual(response.headers, [["x-ok", "1"]]);
  assert.equal(response.complete, true);
});

Deno.test("fromFetchHandler streams the handler's request body from wsgi.input", async () => {
  const app = fromFetchHandler(async (request) =>
    new Response((await request.text()).toUpperCase())
  );
  const handler = toFetchHandler(app);
  const response = await handler(new Request("http://h/", { method: "PUT", body: "shout" }));
  assert.equal(await response.text(), "SHOUT");
});

Deno.test("fromFetchHandler's body close() cancels the Response stream", async () => {
  let cancelled = false;
  const app = fromFetchHandler(() =>
    new Response(
      new ReadableStream({
        pull(c) {
          c.enqueue(enc.encode("tick"));
        },
        cancel() {
          cancelled = true;
        },
      }),
    )
  );
  const response = await runApp(app, testEnviron());
  assert.equal(dec.decode(response.chunks[0]), "tick");
  await response.close();
  assert.equal(cancelled, true);
});

Deno.test("fromFetchHandler rejects something that is not a function", () => {
  assert.throws(() => fromFetchHandler("nope" as never), TypeError);
});

Deno.test("a fetch handler round-trips through fromFetchHandler and toFetchHandler", async () => {
  const inner = (request: Request) =>
    Response.json({ method: request.method, path: new URL(request.url).pathname });
  const outer = toFetchHandler(fromFetchHandler(inner));
  const response = await outer(new Request("http://h/x/y", { method: "DELETE" }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.json(), { method: "DELETE", path: "/x/y" });
});
