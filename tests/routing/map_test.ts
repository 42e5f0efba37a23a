import assert from "node:assert/strict";
import {
  Map as UrlMap,
  type MapAdapter,
  RequestRedirect,
  Rule,
} from "../../framework/routing/mod.ts";
import { MethodNotAllowed, NotFound } from "../../framework/http/exceptions.ts";

function outcome(adapter: MapAdapter): unknown[] {
  try {
    return ["ok", ...adapter.match()];
  } catch (e) {
    if (e instanceof RequestRedirect) return ["308", e.newUrl];
    if (e instanceof MethodNotAllowed) return ["405", [...e.validMethods].sort()];
    if (e instanceof NotFound) return ["404"];
    throw e;
  }
}

// Recorded from Werkzeug 3.1: Map.bind_to_environ over these environs (and the map
// below), then the adapter's fields, match() with its defaults, and a build.
const ENVIRON_CASES: {
  name: string;
  environ: Record<string, string>;
  options: { serverName?: string; subdomain?: string };
  adapter: Record<string, string>;
  match: unknown[];
  build: string;
}[] = [
  {
    "name": "host header",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "www.example.com",
    },
    "options": {
      "serverName": "example.com",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "www",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "ok",
      "index",
      {},
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "user subdomain",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "bob.example.com:8080",
    },
    "options": {
      "serverName": "example.com:8080",
    },
    "adapter": {
      "serverName": "example.com:8080",
      "scriptName": "/",
      "subdomain": "bob",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "ok",
      "user",
      {
        "user": "bob",
      },
    ],
    "build": "http://zed.example.com:8080/",
  },
  {
    "name": "default port stripped",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "example.com:80",
    },
    "options": {
      "serverName": "example.com:80",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "404",
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "https default port",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "https",
      "HTTP_HOST": "example.com:443",
    },
    "options": {
      "serverName": "example.com:443",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "",
      "urlScheme": "https",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "404",
    ],
    "build": "https://zed.example.com/",
  },
  {
    "name": "no host header",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "example.com",
      "SERVER_PORT": "8000",
      "wsgi.url_scheme": "http",
    },
    "options": {},
    "adapter": {
      "serverName": "example.com:8000",
      "scriptName": "/",
      "subdomain": "",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "404",
    ],
    "build": "http://zed.example.com:8000/",
  },
  {
    "name": "mismatched host",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "other.org",
    },
    "options": {
      "serverName": "example.com",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "<invalid>",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "ok",
      "user",
      {
        "user": "<invalid>",
      },
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "script name and query",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "/app",
      "PATH_INFO": "/about",
      "QUERY_STRING": "a=1&b=2",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "www.example.com",
    },
    "options": {
      "serverName": "example.com",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/app/",
      "subdomain": "www",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/about",
    },
    "match": [
      "308",
      "http://www.example.com/app/about/?a=1&b=2",
    ],
    "build": "http://zed.example.com/app/",
  },
  {
    "name": "method from environ",
    "environ": {
      "REQUEST_METHOD": "POST",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/form",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "www.example.com",
    },
    "options": {
      "serverName": "example.com",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "www",
      "urlScheme": "http",
      "defaultMethod": "POST",
      "pathInfo": "/form",
    },
    "match": [
      "ok",
      "form",
      {},
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "method from environ 405",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/form",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "www.example.com",
    },
    "options": {
      "serverName": "example.com",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "www",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/form",
    },
    "match": [
      "405",
      [
        "POST",
      ],
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "explicit subdomain",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "example.com",
    },
    "options": {
      "serverName": "example.com",
      "subdomain": "alice",
    },
    "adapter": {
      "serverName": "example.com",
      "scriptName": "/",
      "subdomain": "alice",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "ok",
      "user",
      {
        "user": "alice",
      },
    ],
    "build": "http://zed.example.com/",
  },
  {
    "name": "server name from host",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "Www.Example.com",
    },
    "options": {},
    "adapter": {
      "serverName": "www.example.com",
      "scriptName": "/",
      "subdomain": "",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "404",
    ],
    "build": "http://zed.www.example.com/",
  },
  {
    "name": "invalid host header",
    "environ": {
      "REQUEST_METHOD": "GET",
      "SCRIPT_NAME": "",
      "PATH_INFO": "/",
      "QUERY_STRING": "",
      "SERVER_NAME": "localhost",
      "SERVER_PORT": "80",
      "wsgi.url_scheme": "http",
      "HTTP_HOST": "exa mple.com",
    },
    "options": {},
    "adapter": {
      "serverName": "",
      "scriptName": "/",
      "subdomain": "",
      "urlScheme": "http",
      "defaultMethod": "GET",
      "pathInfo": "/",
    },
    "match": [
      "404",
    ],
    "build": "http://zed./",
  },
];

function environMap(): UrlMap {
  return new UrlMap([
    new Rule("/", { endpoint: "index" }),
    new Rule("/", { endpoint: "user", subdomain: "<user>" }),
    new Rule("/about/", { endpoint: "about" }),
    new Rule("/form", { endpoint: "form", methods: ["POST"] }),
  ], { defaultSubdomain: "www" });
}

for (const c of ENVIRON_CASES) {
  Deno.test(`Map.bindToEnviron binds as Werkzeug does: ${c.name}`, () => {
    const adapter = environMap().bindToEnviron(c.environ, c.options);
    assert.deepStrictEqual({
      serverName: adapter.serverName,
      scriptName: adapter.scriptName,
      subdomain: adapter.subdomain,
      urlScheme: adapter.urlScheme,
      defaultMethod: adapter.defaultMethod,
      pathInfo: adapter.pathInfo,
    }, c.adapter);
    assert.deepStrictEqual(outcome(adapter), c.match);
    assert.equal(adapter.build("user", { user: "zed" }), c.build);
  });
}

Deno.test("Map.bindToEnviron gives the same answers when one map binds every environ", () => {
  const map = environMap();
  for (const round of [1, 2]) {
    for (const c of ENVIRON_CASES) {
      const adapter = map.bindToEnviron(c.environ, c.options);
      assert.equal(adapter.serverName, c.adapter.serverName, `${c.name} (${round})`);
      assert.equal(adapter.subdomain, c.adapter.subdomain, `${c.name} (${round})`);
      assert.deepStrictEqual(outcome(adapter), c.match, `${c.name} (${round})`);
    }
  }
});

Deno.test("Map starts with Werkzeug's defaults", () => {
  const map = new UrlMap();
  assert.equal(map.defaultSubdomain, "");
  assert.equal(map.strictSlashes, true);
  assert.equal(map.mergeSlashes, true);
  assert.equal(map.redirectDefaults, true);
  assert.equal(map.sortParameters, false);
  assert.equal(map.hostMatching, false);
});

Deno.test("Map.add after a match recompiles the matcher on the next match", () => {
  const map = new UrlMap([new Rule("/a", { endpoint: "a" })]);
  const urls = map.bind("example.com");
  assert.deepStrictEqual(urls.match("/a"), ["a", {}]);
  assert.throws(() => urls.match("/b/1"), NotFound);
  map.add(new Rule("/b/<int:n>", { endpoint: "b" }));
  assert.deepStrictEqual(urls.match("/b/1"), ["b", { n: 1 }]);
  map.add(new Rule("/b/<int(min=5):n>/x", { endpoint: "bx" }));
  assert.deepStrictEqual(urls.match("/b/7/x"), ["bx", { n: 7 }]);
  assert.equal(urls.build("b", { n: 3 }), "/b/3");
});

Deno.test("Map.add binds a rule once; adding it to a second map is an error", () => {
  const rule = new Rule("/a", { endpoint: "a" });
  new UrlMap([rule]);
  assert.throws(() => new UrlMap([rule]), /already bound/);
  const copy = rule.empty();
  assert.deepStrictEqual(new UrlMap([copy]).bind("x").match("/a"), ["a", {}]);
});

Deno.test("Map.iterRules lists rules per endpoint in build order (as Werkzeug sorts them)", () => {
  const map = new UrlMap([
    new Rule("/all/page/<int:page>", { endpoint: "all" }),
    new Rule("/all/", { endpoint: "all", defaults: { page: 1 } }),
    new Rule("/old/<int:page>", { endpoint: "all", alias: true }),
    new Rule("/x", { endpoint: "x" }),
  ]);
  assert.deepStrictEqual(map.iterRules("all").map(String), [
    "/all/",
    "/all/page/<int:page>",
    "/old/<int:page>",
  ]);
  assert.equal(map.iterRules().length, 4);
  assert.equal(map.isEndpointExpecting("all", "page"), true);
  assert.equal(map.isEndpointExpecting("x", "page"), false);
});

Deno.test("Rule adds HEAD to methods that have GET and upper-cases them", () => {
  assert.deepStrictEqual([...new Rule("/", { methods: ["get", "post"] }).methods!].sort(), [
    "GET",
    "HEAD",
    "POST",
  ]);
  assert.equal(new Rule("/").methods, undefined);
  assert.throws(
    () => new Rule("/", { methods: "GET" as unknown as string[] }),
    /should be a list of strings/,
  );
});

Deno.test("Map.bind lower-cases and IDNA-encodes the server name", () => {
  const map = new UrlMap([new Rule("/", { endpoint: "i" })]);
  assert.equal(map.bind("Example.COM:8080").serverName, "example.com:8080");
  assert.equal(map.bind("bücher.example").serverName, "xn--bcher-kva.example");
});

Deno.test("Map.bind refuses a subdomain when the map matches hosts", () => {
  const map = new UrlMap([], { hostMatching: true });
  assert.throws(() => map.bind("example.com", { subdomain: "x" }), TypeError);
});

Deno.test("Map options reach rules that do not set their own", () => {
  const map = new UrlMap([
    new Rule("/a/", { endpoint: "a" }),
    new Rule("/b/", { endpoint: "b", strictSlashes: true }),
  ], { strictSlashes: false, mergeSlashes: false, defaultSubdomain: "www" });
  const [a, b] = [map.iterRules("a")[0]!, map.iterRules("b")[0]!];
  assert.deepStrictEqual([a.strictSlashes, a.mergeSlashes, a.subdomain], [false, false, "www"]);
  assert.equal(b.strictSlashes, true);
});

Deno.test("Map.bindToEnviron accepts a request object holding the environ", () => {
  const environ = ENVIRON_CASES[0]!.environ;
  const adapter = environMap().bindToEnviron({ environ }, { serverName: "example.com" });
  assert.deepStrictEqual(adapter.match(), ["index", {}]);
});
