import assert from "node:assert/strict";
import { environFromRequest } from "../../framework/gateway/environ_from_request.ts";
import { stderrErrors } from "../../framework/gateway/error_stream.ts";

const dec = new TextDecoder();

Deno.test("environFromRequest fills the CGI keys from the URL", () => {
  const request = new Request("http://example.com:8080/caf%C3%A9/x?a=1&b=%20");
  const environ = environFromRequest(request);
  assert.equal(environ.REQUEST_METHOD, "GET");
  assert.equal(environ.SCRIPT_NAME, "");
  assert.equal(environ.PATH_INFO, "/café/x");
  assert.equal(environ.QUERY_STRING, "a=1&b=%20");
  assert.equal(environ.RAW_URI, "/caf%C3%A9/x?a=1&b=%20");
  assert.equal(environ.REQUEST_URI, "/caf%C3%A9/x?a=1&b=%20");
  assert.equal(environ.SERVER_NAME, "example.com");
  assert.equal(environ.SERVER_PORT, "8080");
  assert.equal(environ.SERVER_PROTOCOL, "HTTP/1.1");
  assert.deepEqual(environ["wsgi.version"], [1, 0]);
  // Shared by every environ, so nobody may change it.
  assert.ok(Object.isFrozen(environ["wsgi.version"]));
  assert.equal(environ["wsgi.url_scheme"], "http");
  assert.equal(environ["wsgi.errors"], stderrErrors);
  assert.equal(environ["wsgi.input_terminated"], true);
  assert.equal(environ["wsgi.multithread"], false);
  assert.equal(environ["deno.request"], request);
  assert.equal(environ.REMOTE_ADDR, undefined);
});

Deno.test("environFromRequest takes default ports from the scheme and IPv6 hosts bare", () => {
  const https = environFromRequest(new Request("https://example.com/"));
  assert.equal(https["wsgi.url_scheme"], "https");
  assert.equal(https.SERVER_PORT, "443");
  const v6 = environFromRequest(new Request("http://[::1]:9000/p"));
  assert.equal(v6.SERVER_NAME, "::1");
  assert.equal(v6.SERVER_PORT, "9000");
  const v6default = environFromRequest(new Request("http://[::1]/p"));
  assert.equal(v6default.SERVER_NAME, "::1");
  assert.equal(v6default.SERVER_PORT, "80");
  const noPath = environFromRequest(new Request("http://example.com?q=1"));
  assert.equal(noPath.PATH_INFO, "/");
  assert.equal(noPath.QUERY_STRING, "q=1");
});

Deno.test("environFromRequest keeps an invalid escape in PATH_INFO as written", () => {
  const environ = environFromRequest(new Request("http://h/a%FFb%zz"));
  assert.equal(environ.PATH_INFO, "/a%FFb%zz");
});

Deno.test("environFromRequest maps headers to HTTP_* keys, CONTENT_* without the prefix", () => {
  const environ = environFromRequest(
    new Request("http://h/", {
      method: "POST",
      headers: [
        ["Host", "h"],
        ["User-Agent", "t/1"],
        ["Content-Type", "text/plain"],
        ["X-Multi", "a"],
        ["X-Multi", "b"],
        ["Cookie", "a=1"],
        ["Cookie", "b=2"],
      ],
      body: "hello",
    }),
  );
  assert.equal(environ.HTTP_HOST, "h");
  assert.equal(environ.HTTP_USER_AGENT, "t/1");
  assert.equal(environ.CONTENT_TYPE, "text/plain");
  assert.equal(environ.HTTP_CONTENT_TYPE, undefined);
  assert.equal(environ.HTTP_X_MULTI, "a, b");
  assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
});

Deno.test("environFromRequest drops header names with _ so X-Foo_Bar cannot spoof X-Foo-Bar", () => {
  const environ = environFromRequest(
    new Request("http://h/", { headers: [["X-Foo_Bar", "spoof"], ["X-Real", "1"]] }),
  );
  assert.equal(environ.HTTP_X_FOO_BAR, undefined);
  assert.equal(environ.HTTP_X_REAL, "1");
});

Deno.test("environFromRequest takes REMOTE_ADDR and REMOTE_PORT from info.remoteAddr", () => {
  const environ = environFromRequest(new Request("http://h/"), {
    remoteAddr: { transport: "tcp", hostname: "10.0.0.7", port: 51234 },
  });
  assert.equal(environ.REMOTE_ADDR, "10.0.0.7");
  assert.equal(environ.REMOTE_PORT, "51234");
});

Deno.test("environFromRequest reads wsgi.input lazily from request.body", async () => {
  const request = new Request("http://h/", { method: "POST", body: "line 1\nline 2" });
  const environ = environFromRequest(request);
  assert.equal(request.bodyUsed, false, "building the environ must not touch the body");
  const input = environ["wsgi.input"];
  assert.equal(dec.decode(await input.readline()), "line 1\n");
  assert.equal(dec.decode(await input.read()), "line 2");
  assert.equal((await input.read()).length, 0);
});

Deno.test("environFromRequest gives an empty wsgi.input for a request without a body", async () => {
  const environ = environFromRequest(new Request("http://h/"));
  assert.equal((await environ["wsgi.input"].read()).length, 0);
});

Deno.test("GET and HEAD environs read an empty wsgi.input, however they read it", async () => {
  for (const method of ["GET", "HEAD"]) {
    const first = environFromRequest(new Request("http://h/", { method }));
    const input = first["wsgi.input"];
    assert.equal((await input.readline()).length, 0);
    assert.equal((await input.read(10)).length, 0);
    for await (const _chunk of input) assert.fail("an empty input yields no chunk");
    // Reading one request's input leaves the next one's as it was.
    const second = environFromRequest(new Request("http://h/", { method }));
    assert.equal((await second["wsgi.input"].read()).length, 0);
  }
  const post = environFromRequest(new Request("http://h/", { method: "POST", body: "x=1" }));
  assert.equal(dec.decode(await post["wsgi.input"].read()), "x=1");
});

Deno.test("environFromRequest gives REMOTE_PORT as the port's decimal string, any port", () => {
  for (const port of [0, 1, 80, 5555, 5555, 65535]) {
    const environ = environFromRequest(new Request("http://h/"), {
      remoteAddr: { hostname: "10.0.0.1", port },
    });
    assert.equal(environ.REMOTE_ADDR, "10.0.0.1");
    assert.equal(environ.REMOTE_PORT, String(port));
  }
});

Deno.test("environFromRequest joins repeated headers and Cookie fields the CGI way", () => {
  const headers = new Headers();
  headers.append("Accept", "text/html");
  headers.append("Accept", "*/*");
  headers.append("Cookie", "a=1");
  headers.append("Cookie", "b=2");
  const environ = environFromRequest(new Request("http://h/", { headers }));
  assert.equal(environ.HTTP_ACCEPT, "text/html, */*");
  assert.equal(environ.HTTP_COOKIE, "a=1; b=2");
});

Deno.test("environFromRequest gives each URL its own parts, however the URLs alternate", () => {
  const urls: [string, Record<string, string>][] = [
    ["http://a.example/x%20y?q=1", {
      PATH_INFO: "/x y",
      QUERY_STRING: "q=1",
      SERVER_NAME: "a.example",
      SERVER_PORT: "80",
      RAW_URI: "/x%20y?q=1",
      "wsgi.url_scheme": "http",
    }],
    ["https://[::1]:8443/", {
      PATH_INFO: "/",
      QUERY_STRING: "",
      SERVER_NAME: "::1",
      SERVER_PORT: "8443",
      RAW_URI: "/",
      "wsgi.url_scheme": "https",
    }],
    ["http://user@b.example:8080/p/q?", {
      PATH_INFO: "/p/q",
      QUERY_STRING: "",
      SERVER_NAME: "b.example",
      SERVER_PORT: "8080",
      RAW_URI: "/p/q?",
      "wsgi.url_scheme": "http",
    }],
  ];
  for (const i of [0, 0, 1, 0, 2, 2, 1, 1, 0]) {
    const [url, expected] = urls[i]!;
    const environ = environFromRequest(new Request(url));
    for (const [key, value] of Object.entries(expected)) {
      assert.equal(environ[key], value, `${key} of ${url}`);
    }
    assert.equal(environ.REQUEST_URI, environ.RAW_URI);
  }
});
