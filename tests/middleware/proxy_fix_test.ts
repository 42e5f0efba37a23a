/**
 * ProxyFix against Werkzeug 3.1: every expected environ value in CASES was recorded by
 * running the same request (same headers, same options, same environ overrides) through
 * Werkzeug 3.1.8's `werkzeug.middleware.proxy_fix.ProxyFix` in Python, built with
 * Werkzeug's `EnvironBuilder("/", headers=..., base_url=..., environ_overrides=...)`, and
 * printing the environ the wrapped app saw and `environ["werkzeug.proxy_fix.orig"]` as JSON
 * (`null` is a key the environ did not have). To keep the table short, `orig` lists only what
 * differs from BASE and `changed` only what ProxyFix changed from `orig`. Change an input here
 * only together with the recording.
 */
import assert from "node:assert/strict";
import { CallableApp } from "../../framework/middleware/callable_app.ts";
import { ProxyFix, type ProxyFixOptions } from "../../framework/middleware/proxy_fix.ts";
import type { Body, Environ, StartResponse, WsgiApp } from "../../framework/gateway/types.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { Client } from "../../framework/wrappers/client.ts";
import { Request } from "../../framework/wrappers/request.ts";
import { startServer } from "../../framework/server/serve.ts";
import type { EngineName } from "../../framework/server/types.ts";

const KEYS = [
  "REMOTE_ADDR",
  "wsgi.url_scheme",
  "HTTP_HOST",
  "SERVER_NAME",
  "SERVER_PORT",
  "SCRIPT_NAME",
] as const;
type Values = Record<(typeof KEYS)[number], string | null>;

interface Case {
  name: string;
  options: ProxyFixOptions;
  headers: [string, string][];
  baseUrl?: string;
  overrides?: Record<string, string>;
  drop?: string[];
  /** What the wrapped app saw, where it differs from `orig`. */
  changed: Partial<Values>;
  /** `environ["werkzeug.proxy_fix.orig"]`, where it differs from BASE. */
  orig: Partial<Values>;
}

/** The nearest proxy's address, as the server would give it. */
const PROXY_ADDR = "10.0.0.1";

/** The environ values of `EnvironBuilder("/")` with REMOTE_ADDR set to the proxy's. */
const BASE: Values = {
  REMOTE_ADDR: PROXY_ADDR,
  "wsgi.url_scheme": "http",
  HTTP_HOST: "localhost",
  SERVER_NAME: "localhost",
  SERVER_PORT: "80",
  SCRIPT_NAME: "",
};

// Recorded from Werkzeug 3.1.8 (see the header).
const CASES: Case[] = [
  { name: "no headers: nothing changes", options: {}, headers: [], changed: {}, orig: {} },
  {
    name: "defaults trust one X-Forwarded-For and one X-Forwarded-Proto",
    options: {},
    headers: [["X-Forwarded-For", "192.0.2.7"], ["X-Forwarded-Proto", "https"]],
    changed: { REMOTE_ADDR: "192.0.2.7", "wsgi.url_scheme": "https" },
    orig: {},
  },
  {
    name: "defaults ignore X-Forwarded-Host, -Port and -Prefix",
    options: {},
    headers: [["X-Forwarded-Host", "example.com"], ["X-Forwarded-Port", "8443"], [
      "X-Forwarded-Prefix",
      "/app",
    ]],
    changed: {},
    orig: {},
  },
  {
    name: "xFor 1 takes the rightmost value",
    options: { xFor: 1 },
    headers: [["X-Forwarded-For", "198.51.100.1, 192.0.2.2, 203.0.113.3"]],
    changed: { REMOTE_ADDR: "203.0.113.3" },
    orig: {},
  },
  {
    name: "xFor 2 takes the second from the right",
    options: { xFor: 2 },
    headers: [["X-Forwarded-For", "198.51.100.1, 192.0.2.2, 203.0.113.3"]],
    changed: { REMOTE_ADDR: "192.0.2.2" },
    orig: {},
  },
  {
    name: "xFor 3 takes the leftmost of three",
    options: { xFor: 3 },
    headers: [["X-Forwarded-For", "198.51.100.1, 192.0.2.2, 203.0.113.3"]],
    changed: { REMOTE_ADDR: "198.51.100.1" },
    orig: {},
  },
  {
    name: "xFor 4 with three values: too few, ignored",
    options: { xFor: 4 },
    headers: [["X-Forwarded-For", "198.51.100.1, 192.0.2.2, 203.0.113.3"]],
    changed: {},
    orig: {},
  },
  {
    name: "xFor 0: the header is not trusted",
    options: { xFor: 0 },
    headers: [["X-Forwarded-For", "192.0.2.7"]],
    changed: {},
    orig: {},
  },
  {
    name: "two X-Forwarded-For lines count as one list",
    options: { xFor: 2 },
    headers: [["X-Forwarded-For", "198.51.100.1"], ["X-Forwarded-For", "192.0.2.2"]],
    changed: { REMOTE_ADDR: "198.51.100.1" },
    orig: {},
  },
  {
    name: "empty items are dropped before counting",
    options: { xFor: 2 },
    headers: [["X-Forwarded-For", "198.51.100.1,, 192.0.2.2 ,"]],
    changed: { REMOTE_ADDR: "198.51.100.1" },
    orig: {},
  },
  {
    name: "quoted values are unquoted",
    options: { xFor: 1 },
    headers: [["X-Forwarded-For", '198.51.100.1, "[2001:db8::1]:4711"']],
    changed: { REMOTE_ADDR: "[2001:db8::1]:4711" },
    orig: {},
  },
  {
    name: "an unclosed quote makes the header empty, so it is ignored",
    options: { xFor: 1 },
    headers: [["X-Forwarded-For", '198.51.100.1, "192.0.2.2']],
    changed: {},
    orig: {},
  },
  {
    name: "an IPv6 client address",
    options: { xFor: 1 },
    headers: [["X-Forwarded-For", "2001:db8::7"]],
    changed: { REMOTE_ADDR: "2001:db8::7" },
    orig: {},
  },
  {
    name: "xProto 1 takes the rightmost scheme",
    options: { xProto: 1 },
    headers: [["X-Forwarded-Proto", "http, https"]],
    changed: { "wsgi.url_scheme": "https" },
    orig: {},
  },
  {
    name: "xProto 2 takes the second from the right",
    options: { xProto: 2 },
    headers: [["X-Forwarded-Proto", "http, https"]],
    changed: {},
    orig: {},
  },
  {
    name: "X-Forwarded-Proto http downgrades an https environ",
    options: { xProto: 1 },
    headers: [["X-Forwarded-Proto", "http"]],
    baseUrl: "https://localhost/",
    changed: { "wsgi.url_scheme": "http" },
    orig: { "wsgi.url_scheme": "https", SERVER_PORT: "443" },
  },
  {
    name: "xHost sets HTTP_HOST and SERVER_NAME, keeps SERVER_PORT without a port",
    options: { xHost: 1 },
    headers: [["X-Forwarded-Host", "example.com"]],
    changed: { HTTP_HOST: "example.com", SERVER_NAME: "example.com" },
    orig: {},
  },
  {
    name: "xHost with a port sets SERVER_PORT too",
    options: { xHost: 1 },
    headers: [["X-Forwarded-Host", "example.com:8443"]],
    changed: { HTTP_HOST: "example.com:8443", SERVER_NAME: "example.com", SERVER_PORT: "8443" },
    orig: {},
  },
  {
    name: "a host ending in a colon gives an empty SERVER_PORT",
    options: { xHost: 1 },
    headers: [["X-Forwarded-Host", "example.com:"]],
    changed: { HTTP_HOST: "example.com:", SERVER_NAME: "example.com", SERVER_PORT: "" },
    orig: {},
  },
  {
    name: "X-Forwarded-Proto is copied as sent, not lowercased",
    options: { xProto: 1 },
    headers: [["X-Forwarded-Proto", "HTTPS"]],
    changed: { "wsgi.url_scheme": "HTTPS" },
    orig: {},
  },
  {
    name: "xHost 2 takes the second host from the right",
    options: { xHost: 2 },
    headers: [["X-Forwarded-Host", "a.example, b.example:81, c.example:82"]],
    changed: { HTTP_HOST: "b.example:81", SERVER_NAME: "b.example", SERVER_PORT: "81" },
    orig: {},
  },
  {
    name: "xHost 2 with one host: too few, ignored",
    options: { xHost: 2 },
    headers: [["X-Forwarded-Host", "example.com"]],
    changed: {},
    orig: {},
  },
  {
    name: "an IPv6 host without a port keeps its brackets in SERVER_NAME",
    options: { xHost: 1 },
    headers: [["X-Forwarded-Host", "[2001:db8::1]"]],
    changed: { HTTP_HOST: "[2001:db8::1]", SERVER_NAME: "[2001:db8::1]" },
    orig: {},
  },
  {
    name: "an IPv6 host with a port",
    options: { xHost: 1 },
    headers: [["X-Forwarded-Host", "[2001:db8::1]:8080"]],
    changed: { HTTP_HOST: "[2001:db8::1]:8080", SERVER_NAME: "[2001:db8::1]", SERVER_PORT: "8080" },
    orig: {},
  },
  {
    name: "xPort replaces the port of HTTP_HOST and sets SERVER_PORT",
    options: { xPort: 1 },
    headers: [["X-Forwarded-Port", "8443"]],
    baseUrl: "http://localhost:5000/",
    changed: { HTTP_HOST: "localhost:8443", SERVER_PORT: "8443" },
    orig: { HTTP_HOST: "localhost:5000", SERVER_PORT: "5000" },
  },
  {
    name: "xPort adds a port to a HTTP_HOST without one",
    options: { xPort: 1 },
    headers: [["X-Forwarded-Port", "8443"]],
    changed: { HTTP_HOST: "localhost:8443", SERVER_PORT: "8443" },
    orig: {},
  },
  {
    name: "xPort on an IPv6 HTTP_HOST without a port",
    options: { xPort: 1 },
    headers: [["X-Forwarded-Port", "8443"]],
    overrides: { HTTP_HOST: "[::1]", SERVER_NAME: "::1", SERVER_PORT: "80" },
    changed: { HTTP_HOST: "[::1]:8443", SERVER_PORT: "8443" },
    orig: { HTTP_HOST: "[::1]", SERVER_NAME: "::1" },
  },
  {
    name: "xPort on an IPv6 HTTP_HOST with a port",
    options: { xPort: 1 },
    headers: [["X-Forwarded-Port", "8443"]],
    overrides: { HTTP_HOST: "[::1]:5000", SERVER_NAME: "::1", SERVER_PORT: "5000" },
    changed: { HTTP_HOST: "[::1]:8443", SERVER_PORT: "8443" },
    orig: { HTTP_HOST: "[::1]:5000", SERVER_NAME: "::1", SERVER_PORT: "5000" },
  },
  {
    name: "xPort without HTTP_HOST sets only SERVER_PORT",
    options: { xPort: 1 },
    headers: [["X-Forwarded-Port", "8443"]],
    drop: ["HTTP_HOST"],
    changed: { SERVER_PORT: "8443" },
    orig: { HTTP_HOST: null },
  },
  {
    name: "xPort 2 takes the second port from the right",
    options: { xPort: 2 },
    headers: [["X-Forwarded-Port", "443, 8080"]],
    changed: { HTTP_HOST: "localhost:443", SERVER_PORT: "443" },
    orig: {},
  },
  {
    name: "xHost and xPort: the port header wins over the host's port",
    options: { xHost: 1, xPort: 1 },
    headers: [["X-Forwarded-Host", "example.com:8080"], ["X-Forwarded-Port", "443"]],
    changed: { HTTP_HOST: "example.com:443", SERVER_NAME: "example.com", SERVER_PORT: "443" },
    orig: {},
  },
  {
    name: "xHost and xPort with an IPv6 host",
    options: { xHost: 1, xPort: 1 },
    headers: [["X-Forwarded-Host", "[2001:db8::1]"], ["X-Forwarded-Port", "443"]],
    changed: { HTTP_HOST: "[2001:db8::1]:443", SERVER_NAME: "[2001:db8::1]", SERVER_PORT: "443" },
    orig: {},
  },
  {
    name: "xPrefix sets SCRIPT_NAME",
    options: { xPrefix: 1 },
    headers: [["X-Forwarded-Prefix", "/app"]],
    changed: { SCRIPT_NAME: "/app" },
    orig: {},
  },
  {
    name: "xPrefix keeps a trailing slash (Werkzeug 3.1 does not strip it)",
    options: { xPrefix: 1 },
    headers: [["X-Forwarded-Prefix", "/app/"]],
    changed: { SCRIPT_NAME: "/app/" },
    orig: {},
  },
  {
    name: "xPrefix replaces an existing SCRIPT_NAME",
    options: { xPrefix: 1 },
    headers: [["X-Forwarded-Prefix", "/outer"]],
    baseUrl: "http://localhost/inner/",
    changed: { SCRIPT_NAME: "/outer" },
    orig: { SCRIPT_NAME: "/inner" },
  },
  {
    name: "xPrefix 2 takes the second prefix from the right",
    options: { xPrefix: 2 },
    headers: [["X-Forwarded-Prefix", "/a, /b"]],
    changed: { SCRIPT_NAME: "/a" },
    orig: {},
  },
  {
    name: "all five headers behind two proxies",
    options: { xFor: 2, xProto: 2, xHost: 2, xPort: 2, xPrefix: 2 },
    headers: [
      ["X-Forwarded-For", "203.0.113.9, 198.51.100.2, 192.0.2.1"],
      ["X-Forwarded-Proto", "https, http"],
      ["X-Forwarded-Host", "example.com, internal.example"],
      ["X-Forwarded-Port", "443, 8080"],
      ["X-Forwarded-Prefix", "/public, /internal"],
    ],
    changed: {
      REMOTE_ADDR: "198.51.100.2",
      "wsgi.url_scheme": "https",
      HTTP_HOST: "example.com:443",
      SERVER_NAME: "example.com",
      SERVER_PORT: "443",
      SCRIPT_NAME: "/public",
    },
    orig: {},
  },
  {
    name: "missing environ keys are saved as missing",
    options: { xFor: 1 },
    headers: [["X-Forwarded-For", "192.0.2.7"]],
    drop: ["REMOTE_ADDR", "HTTP_HOST"],
    changed: { REMOTE_ADDR: "192.0.2.7" },
    orig: { REMOTE_ADDR: null, HTTP_HOST: null },
  },
];

/** Runs `environ` through `new ProxyFix(recorder, options)`; gives what the app saw. */
function run(options: ProxyFixOptions, environ: Environ): Environ {
  let seen: Environ | undefined;
  const recorder: WsgiApp = (env, startResponse) => {
    seen = env;
    startResponse("204 No Content", []);
    return [];
  };
  new ProxyFix(recorder, options)(environ, () => () => {});
  assert.ok(seen, "the wrapped app was not called");
  return seen;
}

function pick(record: Record<string, unknown>): Values {
  return Object.fromEntries(KEYS.map((key) => [key, record[key] ?? null])) as Values;
}

for (const c of CASES) {
  Deno.test(`ProxyFix as Werkzeug 3.1: ${c.name}`, () => {
    const environ = new EnvironBuilder("/", {
      headers: c.headers,
      environOverrides: { REMOTE_ADDR: PROXY_ADDR, ...c.overrides },
      ...(c.baseUrl === undefined ? {} : { baseUrl: c.baseUrl }),
    }).getEnviron();
    for (const key of c.drop ?? []) delete environ[key];
    const seen = run(c.options, environ);
    const orig = seen["werkzeug.proxy_fix.orig"] as Record<string, unknown>;
    // Werkzeug keeps all six keys, a missing one as None.
    assert.deepEqual(Object.keys(orig), [...KEYS]);
    assert.deepEqual(pick(orig), { ...BASE, ...c.orig });
    assert.deepEqual(pick(seen), { ...BASE, ...c.orig, ...c.changed });
  });
}

// --- options ------------------------------------------------------------------------------

const hello: WsgiApp = (_environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return ["hello"];
};

Deno.test("ProxyFix defaults trust one X-Forwarded-For and one -Proto, as Werkzeug", () => {
  const fix = new ProxyFix(hello);
  assert.deepEqual(
    [fix.xFor, fix.xProto, fix.xHost, fix.xPort, fix.xPrefix],
    [1, 1, 0, 0, 0],
  );
  assert.equal(fix.app, hello);
  const custom = new ProxyFix(hello, { xFor: 2, xProto: 0, xHost: 1, xPort: 3, xPrefix: 1 });
  assert.deepEqual(
    [custom.xFor, custom.xProto, custom.xHost, custom.xPort, custom.xPrefix],
    [2, 0, 1, 3, 1],
  );
});

Deno.test("ProxyFix is a CallableApp: an instance, and a WsgiApp function", async () => {
  const fix = new ProxyFix(hello);
  assert.equal(typeof fix, "function");
  assert.ok(fix instanceof ProxyFix && fix instanceof CallableApp);
  const response = await new Client(fix).get("/");
  assert.equal(response.text, "hello");
});

const badOptions: [string, unknown, RegExp][] = [
  ["a negative count", { xFor: -1 }, /ProxyFix option xFor must be a non-negative integer.*got -1/],
  ["a fractional count", { xHost: 1.5 }, /option xHost must be a non-negative integer.*got 1\.5/],
  ["NaN", { xPort: NaN }, /option xPort .*got NaN/],
  ["Infinity", { xPrefix: Infinity }, /option xPrefix .*got Infinity/],
  ["a string", { xProto: "1" }, /option xProto .*got "1"/],
  ["a boolean", { xFor: true }, /option xFor .*got true/],
  ["null", { xFor: null }, /option xFor .*got null/],
  ["a snake_case name", { x_for: 2 }, /Unknown ProxyFix option "x_for"; did you mean xFor\?/],
  ["an unknown name", { xForwarded: 1 }, /Unknown ProxyFix option "xForwarded" \(expected xFor,/],
  ["options that are not an object", 2, /ProxyFix options must be an object/],
];
for (const [what, options, message] of badOptions) {
  Deno.test(`ProxyFix rejects ${what} with a TypeError naming it`, () => {
    assert.throws(
      () => new ProxyFix(hello, options as ProxyFixOptions),
      (error: unknown) => error instanceof TypeError && message.test(error.message),
    );
  });
}

Deno.test("ProxyFix rejects something that is not an app object", () => {
  for (const app of [undefined, null, "app", { wsgi: hello }]) {
    assert.throws(() => new ProxyFix(app as never), TypeError);
  }
});

// --- wrapping -----------------------------------------------------------------------------

/** An app that answers with the environ values ProxyFix may change, as JSON. */
const echo: WsgiApp = (environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "application/json"]]);
  const orig = environ["werkzeug.proxy_fix.orig"] as Record<string, unknown> | undefined;
  return [JSON.stringify({ seen: pick(environ), orig: orig ? pick(orig) : null })];
};

Deno.test("Flask's idiom app.wsgiApp = new ProxyFix(app.wsgiApp) with an object app", async () => {
  const app = { wsgiApp: echo };
  app.wsgiApp = new ProxyFix(app.wsgiApp, { xFor: 1, xHost: 1 });
  assert.ok(app.wsgiApp instanceof ProxyFix);
  const response = await new Client(app).get("/", {
    headers: { "X-Forwarded-For": "192.0.2.7", "X-Forwarded-Host": "example.com" },
    environOverrides: { REMOTE_ADDR: PROXY_ADDR },
  });
  const body = response.json as { seen: Values; orig: Values };
  assert.equal(body.seen.REMOTE_ADDR, "192.0.2.7");
  assert.equal(body.seen.HTTP_HOST, "example.com");
  assert.equal(body.orig.REMOTE_ADDR, PROXY_ADDR);
  assert.equal(body.orig.HTTP_HOST, "localhost");
});

Deno.test("ProxyFix around an object app looks its wsgiApp up at each request", async () => {
  const inner = { wsgiApp: hello };
  const client = new Client(new ProxyFix(inner));
  assert.equal((await client.get("/")).text, "hello");
  inner.wsgiApp = (_environ, startResponse) => {
    startResponse("200 OK", []);
    return ["replaced"];
  };
  assert.equal((await client.get("/")).text, "replaced");
});

Deno.test("ProxyFix passes startResponse through and returns the app's body as is", async () => {
  const body: Body = ["a", "b"];
  let started: string | undefined;
  const startResponse: StartResponse = (status) => {
    started = status;
    return () => {};
  };
  const sync = new ProxyFix((_e, sr) => (sr("201 Created", []), body));
  assert.equal(sync({} as Environ, startResponse), body);
  assert.equal(started, "201 Created");
  const async = new ProxyFix((_e, sr) => Promise.resolve((sr("202 Accepted", []), body)));
  assert.equal(await async({} as Environ, startResponse), body);
  assert.equal(started, "202 Accepted");
});

Deno.test("a Request over the fixed environ sees the client's URL and address", async () => {
  let request: Request | undefined;
  const app = new ProxyFix((environ, startResponse) => {
    request = new Request(environ);
    startResponse("204 No Content", []);
    return [];
  }, { xFor: 1, xProto: 1, xHost: 1, xPrefix: 1 });
  await new Client(app).get("/items?page=2", {
    headers: {
      "X-Forwarded-For": "spoofed.example, 192.0.2.7",
      "X-Forwarded-Proto": "https",
      "X-Forwarded-Host": "example.com",
      "X-Forwarded-Prefix": "/shop",
    },
    environOverrides: { REMOTE_ADDR: PROXY_ADDR },
  });
  assert.ok(request);
  assert.equal(request.remoteAddr, "192.0.2.7");
  assert.equal(request.isSecure, true);
  assert.equal(request.url, "https://example.com/shop/items?page=2");
});

// --- a real server ------------------------------------------------------------------------

for (const engine of ["reference", "deno", "serve-http"] as EngineName[]) {
  Deno.test(`[${engine}] ProxyFix behind a real server rewrites what the app sees`, async () => {
    const app = new ProxyFix(echo, { xFor: 1, xProto: 1, xHost: 1, xPort: 1, xPrefix: 1 });
    const server = startServer(app, { hostname: "127.0.0.1", port: 0, engine, onListen: () => {} });
    try {
      const res = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
        headers: {
          "X-Forwarded-For": "198.51.100.9, 203.0.113.7",
          "X-Forwarded-Proto": "https",
          "X-Forwarded-Host": "example.com",
          "X-Forwarded-Port": "8443",
          "X-Forwarded-Prefix": "/app",
        },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        seen: {
          REMOTE_ADDR: "203.0.113.7",
          "wsgi.url_scheme": "https",
          HTTP_HOST: "example.com:8443",
          SERVER_NAME: "example.com",
          SERVER_PORT: "8443",
          SCRIPT_NAME: "/app",
        },
        orig: {
          REMOTE_ADDR: "127.0.0.1",
          "wsgi.url_scheme": "http",
          HTTP_HOST: `127.0.0.1:${server.addr.port}`,
          SERVER_NAME: "127.0.0.1",
          SERVER_PORT: String(server.addr.port),
          SCRIPT_NAME: "",
        },
      });
    } finally {
      await server.shutdown();
    }
  });
}
