import assert from "node:assert/strict";
import { environFromRequest } from "../../framework/gateway/environ_from_request.ts";
import { toFetchHandler } from "../../framework/gateway/to_fetch_handler.ts";
import type { Environ, WsgiApp } from "../../framework/gateway/types.ts";

/** A request that counts how often its URL and headers are read. */
class CountingRequest extends Request {
  urlReads = 0;
  headerReads = 0;
  override get url(): string {
    this.urlReads++;
    return super.url;
  }
  override get headers(): Headers {
    this.headerReads++;
    return super.headers;
  }
}

const info = { remoteAddr: { hostname: "10.0.0.7", port: 4242 } };

function counting(): CountingRequest {
  return new CountingRequest("http://example.com:8080/a%20b?q=1", {
    method: "POST",
    headers: { "x-token": "abc", "content-type": "text/plain", "content-length": "3" },
    body: "abc",
  });
}

Deno.test("environFromRequest reads nothing from the request until a request key is asked for", () => {
  const request = counting();
  const environ = environFromRequest(request, info);
  // Keys that do not come from the request are there without reading it.
  assert.equal(environ.SCRIPT_NAME, "");
  assert.equal(environ["wsgi.multithread"], false);
  assert.equal(environ["deno.request"], request);
  environ["wsgi.multiprocess"] = true;
  assert.equal(request.urlReads + request.headerReads, 0);
  // The first request key reads everything, once.
  assert.equal(environ.HTTP_X_TOKEN, "abc");
  assert.equal(environ.REQUEST_METHOD, "POST");
  assert.equal(environ.PATH_INFO, "/a b");
  assert.equal(environ.CONTENT_LENGTH, "3");
  assert.equal(environ.REMOTE_ADDR, "10.0.0.7");
  assert.equal(environ.REMOTE_PORT, "4242");
  assert.equal(environ.HTTP_MISSING, undefined);
  assert.deepEqual([request.urlReads, request.headerReads], [1, 1]);
});

Deno.test("a lazy environ lists, tests, spreads and serializes every key like a plain object", () => {
  const environ = environFromRequest(counting(), info);
  assert.ok(Object.keys(environ).includes("HTTP_X_TOKEN"));
  const fresh = environFromRequest(counting(), info);
  assert.ok("CONTENT_TYPE" in fresh);
  assert.equal("HTTP_NOPE" in environFromRequest(counting(), info), false);
  const copy = { ...environFromRequest(counting(), info) };
  assert.equal(copy.HTTP_X_TOKEN, "abc");
  assert.equal(copy.QUERY_STRING, "q=1");
  const keys: string[] = [];
  for (const key in environFromRequest(counting(), info)) keys.push(key);
  assert.ok(keys.includes("REQUEST_METHOD") && keys.includes("HTTP_X_TOKEN"));
  const json = JSON.parse(JSON.stringify(environFromRequest(counting(), info)));
  assert.equal(json.HTTP_X_TOKEN, "abc");
  assert.equal(json.SERVER_PORT, "8080");
  // No internal slot shows through, and it looks like a plain object.
  assert.deepEqual(Object.getOwnPropertySymbols(environFromRequest(counting(), info)), []);
  assert.equal(Object.getPrototypeOf(environFromRequest(counting(), info)), Object.prototype);
  assert.equal(
    Object.getOwnPropertyDescriptor(environFromRequest(counting(), info), "HTTP_X_TOKEN")?.value,
    "abc",
  );
});

Deno.test("no key of a lazy environ shows a value from before the request was read", async () => {
  const described = environFromRequest(counting(), info);
  assert.equal(Object.getOwnPropertyDescriptor(described, "PATH_INFO")?.value, "/a b");
  const tested = environFromRequest(counting(), info);
  assert.ok("QUERY_STRING" in tested);
  assert.equal(tested.QUERY_STRING, "q=1");
  const input = environFromRequest(counting(), info)["wsgi.input"];
  assert.equal(new TextDecoder().decode(await input.read()), "abc");
  const https = environFromRequest(new Request("https://example.com/"));
  assert.equal(https["wsgi.url_scheme"], "https");
});

Deno.test("a lazy environ compares deep-equal to the plain object with the same keys", () => {
  const environ = environFromRequest(counting(), info);
  const plain = { ...environ };
  assert.deepStrictEqual(environ, plain);
});

Deno.test("Deno's console prints a lazy environ with its request keys", () => {
  const text = Deno.inspect(environFromRequest(counting(), info));
  assert.match(text, /HTTP_X_TOKEN: "abc"/);
  assert.match(text, /REQUEST_METHOD: "POST"/);
  assert.doesNotMatch(text, /Symbol|environSource/);
});

Deno.test("writes to a lazy environ before it is filled are kept, not overwritten or joined", () => {
  const environ = environFromRequest(counting(), info);
  environ.PATH_INFO = "/rewritten";
  environ.HTTP_X_TOKEN = "replaced";
  assert.equal(environ.PATH_INFO, "/rewritten");
  assert.equal(environ.HTTP_X_TOKEN, "replaced");
  assert.equal(environ.QUERY_STRING, "q=1");

  const deleted = environFromRequest(counting(), info);
  delete deleted.HTTP_X_TOKEN;
  assert.equal("HTTP_X_TOKEN" in deleted, false);
  assert.equal(deleted.HTTP_HOST, undefined);

  const defined = environFromRequest(counting(), info);
  Object.defineProperty(defined, "CONTENT_TYPE", { value: "x/y", enumerable: true });
  assert.equal(defined.CONTENT_TYPE, "x/y");
});

Deno.test("freezing a lazy environ fills it first", () => {
  const environ = Object.freeze(environFromRequest(counting(), info));
  assert.ok(Object.isFrozen(environ));
  assert.equal(environ.HTTP_X_TOKEN, "abc");
  assert.ok(Object.keys(environ).includes("REMOTE_ADDR"));
  assert.throws(() => {
    "use strict";
    (environ as Record<string, unknown>).PATH_INFO = "/x";
  }, TypeError);
});

Deno.test("toFetchHandler does not read the request for an app that does not look", async () => {
  const request = counting();
  const handler = toFetchHandler((_environ, startResponse) => {
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return ["hi"];
  });
  const response = await handler(new CountingRequest("http://h/"), info);
  assert.equal(await response.text(), "hi");
  // And an access log (onFinish) reads it while the request is still open.
  let logged: Environ | undefined;
  const logging = toFetchHandler((_environ, startResponse) => {
    startResponse("200 OK", []);
    return [];
  }, { onFinish: (environ) => logged = environ });
  await logging(request, info);
  assert.equal(request.headerReads, 1);
  assert.equal(logged?.HTTP_X_TOKEN, "abc");
});

Deno.test("under Deno.serve, an environ read after its response was sent says why it cannot be", async () => {
  const kept: Environ[] = [];
  const app: WsgiApp = (environ, startResponse) => {
    // The first request's environ is read while it is served, the second's is not.
    if (kept.push(environ) === 1) void environ.HTTP_X_TOKEN;
    startResponse("200 OK", [["Content-Type", "text/plain"]]);
    return ["ok"];
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    toFetchHandler(app),
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    for (const path of ["/read", "/unread"]) {
      const response = await fetch(base + path, { headers: { "x-token": "t" } });
      assert.equal(await response.text(), "ok");
    }
    const [read, unread] = kept;
    assert.equal(read!.HTTP_X_TOKEN, "t");
    assert.equal(read!.PATH_INFO, "/read");
    assert.throws(
      () => unread!.HTTP_X_TOKEN,
      (error: unknown) =>
        error instanceof TypeError && /can no longer be read/.test(error.message) &&
        error.cause instanceof Error,
    );
    // Constant keys stay readable.
    assert.equal(unread!.SCRIPT_NAME, "");
  } finally {
    await server.shutdown();
  }
});
