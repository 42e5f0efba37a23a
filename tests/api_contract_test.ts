/**
 * The public contract of API.md §1 (gateway, servers), §2 (routing) and the
 * wrappers / HTTP / test-client / middleware parts of §3, exercised literally through the
 * package faces only (`../mod.ts`, `../server.ts`, the `./middleware` sub-path): every name, signature, option and example
 * the page gives. `Map`, `Request` and `Response` are phial's here; the globals are
 * reached through `globalThis`.
 */
import assert from "node:assert/strict";
import {
  abort,
  AnyConverter,
  BadGateway,
  BadRequest,
  BaseConverter,
  BuildError,
  Client,
  Conflict,
  EnvironBuilder,
  environFromRequest,
  ExpectationFailed,
  FailedDependency,
  FileStorage,
  FloatConverter,
  Forbidden,
  fromFetchHandler,
  GatewayTimeout,
  Gone,
  Headers,
  HTTPException,
  HTTPVersionNotSupported,
  ImATeapot,
  IntegerConverter,
  InternalServerError,
  LengthRequired,
  Locked,
  Map,
  MapAdapter,
  MethodNotAllowed,
  MisdirectedRequest,
  MultiDict,
  NotAcceptable,
  NotFound,
  NotImplemented,
  PathConverter,
  PreconditionFailed,
  PreconditionRequired,
  Request,
  RequestedRangeNotSatisfiable,
  RequestEntityTooLarge,
  RequestHeaderFieldsTooLarge,
  RequestRedirect,
  RequestTimeout,
  RequestURITooLarge,
  Response,
  Rule,
  secureFilename,
  serve,
  ServiceUnavailable,
  toFetchHandler,
  TooManyRequests,
  Unauthorized,
  UnavailableForLegalReasons,
  UnicodeConverter,
  UnprocessableEntity,
  UnsupportedMediaType,
  UUIDConverter,
  ValidationError,
  validator,
} from "../mod.ts";
import type {
  AppObject,
  Body,
  Environ,
  ErrorStream,
  InputStream,
  StartResponse,
  WsgiApp,
} from "../mod.ts";
import { makeServer, serve as serverServe, WSGIServer } from "../server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Collects what an app hands to startResponse and its body, as a server would. */
async function callApp(
  app: WsgiApp,
  environ: Environ,
): Promise<{ status: string; headers: [string, string][]; body: string }> {
  let status = "";
  let headers: [string, string][] = [];
  const sr: StartResponse = (s, h) => {
    status = s;
    headers = h;
    return () => {};
  };
  const body: Body = await app(environ, sr);
  const parts: Uint8Array[] = [];
  try {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      parts.push(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    }
  } finally {
    await body.close?.();
  }
  let text = "";
  for (const p of parts) text += decoder.decode(p, { stream: true });
  return { status, headers, body: text + decoder.decode() };
}

function env(path = "/", options: ConstructorParameters<typeof EnvironBuilder>[1] = {}): Environ {
  return new EnvironBuilder(path, options).getEnviron();
}

// ---------------------------------------------------------------------------------------
// §2 Routing
// ---------------------------------------------------------------------------------------

class BoolConverter extends BaseConverter {
  override regex = "(?:yes|no)";
  override toValue(value: string): unknown {
    return value === "yes";
  }
  override toUrl(value: unknown): string {
    return value ? "yes" : "no";
  }
}

function exampleMap(): Map {
  return new Map([
    new Rule("/", { endpoint: "index" }),
    new Rule("/user/<int:id>", { endpoint: "user", methods: ["GET", "POST"] }),
    new Rule("/files/<path:rest>", { endpoint: "files" }),
  ], { strictSlashes: true, mergeSlashes: true, converters: { bool: BoolConverter } });
}

Deno.test("API §2 example: match('/user/42', 'GET') gives ['user', { id: 42 }]", () => {
  const urlMap = exampleMap();
  const urls = urlMap.bind("example.com", { scriptName: "/", urlScheme: "http" });
  assert.ok(urls instanceof MapAdapter);
  const [endpoint, args] = urls.match("/user/42", "GET");
  assert.equal(endpoint, "user");
  assert.deepEqual(args, { id: 42 });
  assert.deepEqual(urls.match("/", "GET"), ["index", {}]);
  assert.deepEqual(urls.match("/files/a/b/c.txt", "GET"), ["files", { rest: "a/b/c.txt" }]);
});

Deno.test("API §2 example: build appends unknown values as a query, forceExternal adds scheme and host", () => {
  const urls = exampleMap().bind("example.com", { scriptName: "/", urlScheme: "http" });
  assert.equal(urls.build("user", { id: 42, q: "x" }), "/user/42?q=x");
  assert.equal(
    urls.build("user", { id: 42 }, { forceExternal: true }),
    "http://example.com/user/42",
  );
  assert.equal(urls.build("index"), "/");
});

Deno.test("API §2: a custom converter registered through Map's converters option is used by rules", () => {
  const urlMap = exampleMap();
  urlMap.add(new Rule("/flag/<bool:on>", { endpoint: "flag" }));
  const urls = urlMap.bind("example.com", { scriptName: "/", urlScheme: "http" });
  assert.deepEqual(urls.match("/flag/yes", "GET"), ["flag", { on: true }]);
  assert.deepEqual(urls.match("/flag/no", "GET"), ["flag", { on: false }]);
  assert.throws(() => urls.match("/flag/maybe", "GET"), NotFound);
  assert.equal(urls.build("flag", { on: true }), "/flag/yes");
});

Deno.test("API §2: errors — NotFound, MethodNotAllowed.validMethods, RequestRedirect 308 newUrl, BuildError", () => {
  const urls = exampleMap().bind("example.com", { scriptName: "/", urlScheme: "http" });
  assert.throws(
    () => urls.match("/nope", "GET"),
    (e: unknown) => e instanceof NotFound && e.code === 404,
  );
  assert.throws(() => urls.match("/user/42", "DELETE"), (e: unknown) => {
    assert.ok(e instanceof MethodNotAllowed);
    assert.equal(e.code, 405);
    assert.deepEqual([...e.validMethods].sort(), ["GET", "HEAD", "POST"]);
    return true;
  });
  // mergeSlashes: "/user//42" redirects to the canonical URL.
  assert.throws(() => urls.match("/user//42", "GET"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.code, 308);
    assert.equal(e.newUrl, "http://example.com/user/42");
    return true;
  });
  assert.throws(() => urls.build("missing"), BuildError);
  assert.throws(() => urls.build("user", {}), BuildError);
});

Deno.test("API §2: strictSlashes redirects '/about' to '/about/' with 308", () => {
  const urlMap = new Map([new Rule("/about/", { endpoint: "about" })], { strictSlashes: true });
  const urls = urlMap.bind("example.com");
  assert.throws(() => urls.match("/about"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.code, 308);
    assert.equal(e.newUrl, "http://example.com/about/");
    return true;
  });
  assert.deepEqual(urls.match("/about/"), ["about", {}]);
});

Deno.test("API §2: Map options and Rule options are accepted by name", () => {
  const urlMap = new Map([], {
    defaultSubdomain: "",
    strictSlashes: true,
    mergeSlashes: true,
    redirectDefaults: true,
    converters: {},
    sortParameters: true,
    sortKey: (pair: [string, unknown]) => pair[0],
    hostMatching: false,
  });
  urlMap.add(new Rule("/page/<int:n>", { endpoint: "page" }));
  urlMap.add(
    new Rule("/page/", {
      endpoint: "page",
      defaults: { n: 1 },
      subdomain: "",
      strictSlashes: true,
      mergeSlashes: true,
    }),
  );
  urlMap.add(new Rule("/old", { endpoint: "old", redirectTo: "/page/" }));
  urlMap.add(new Rule("/only-build", { endpoint: "built", buildOnly: true }));
  urlMap.add(new Rule("/alias-a", { endpoint: "al", alias: true }));
  const urls = urlMap.bind("example.com", {
    scriptName: "/app",
    subdomain: "",
    urlScheme: "https",
    defaultMethod: "GET",
    pathInfo: "/page/",
    queryArgs: "",
  });
  // The default path is the adapter's pathInfo.
  assert.deepEqual(urls.match(), ["page", { n: 1 }]);
  // redirectDefaults: /page/1 is the defaults rule's URL.
  assert.throws(() => urls.match("/page/1"), RequestRedirect);
  assert.throws(() => urls.match("/old"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    // Werkzeug joins an absolute redirectTo path onto the host, not the script root.
    assert.equal(e.newUrl, "https://example.com/page/");
    return true;
  });
  assert.throws(() => urls.match("/only-build"), NotFound);
  assert.equal(urls.build("built"), "/app/only-build");
  assert.equal(urls.build("page", { n: 3, b: 2, a: 1 }), "/app/page/3?a=1&b=2");
  assert.equal(
    urls.build("page", { n: 3 }, { urlScheme: "http", forceExternal: true }),
    "http://example.com/app/page/3",
  );
  assert.equal(urls.build("page", { n: 3 }, { anchor: "top" }), "/app/page/3#top");
  assert.equal(urls.build("page", { n: 3, z: 1 }, { appendUnknown: false }), "/app/page/3");
  assert.equal(urls.build("page", { n: 3 }, { method: "GET" }), "/app/page/3");
});

Deno.test("API §2: match options returnRule and queryArgs", () => {
  const rule = new Rule("/x", { endpoint: "x" });
  const urls = new Map([rule]).bind("example.com");
  const [matched, args] = urls.match("/x", "GET", { returnRule: true });
  assert.equal(matched, rule);
  assert.deepEqual(args, {});
  const redirecting = new Map([new Rule("/d/", { endpoint: "d" })]).bind("example.com");
  assert.throws(() => redirecting.match("/d", "GET", { queryArgs: "a=1" }), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.newUrl, "http://example.com/d/?a=1");
    return true;
  });
});

Deno.test("API §2: match never percent-decodes the path", () => {
  const urls = new Map([new Rule("/<name>", { endpoint: "n" })]).bind("example.com");
  assert.deepEqual(urls.match("/a%2Fb"), ["n", { name: "a%2Fb" }]);
  assert.deepEqual(urls.match("/caf\u00e9"), ["n", { name: "caf\u00e9" }]);
});

Deno.test("API §2: bindToEnviron(environ, { serverName, subdomain }) binds to the request", () => {
  const urlMap = new Map([new Rule("/p/<int:n>", { endpoint: "p" })]);
  const urls = urlMap.bindToEnviron(env("/p/7", { baseUrl: "http://example.com/root" }), {
    serverName: "example.com",
    subdomain: "",
  });
  assert.deepEqual(urls.match(), ["p", { n: 7 }]);
  assert.equal(urls.build("p", { n: 1 }), "/root/p/1");
  assert.equal(urls.build("p", { n: 1 }, { forceExternal: true }), "http://example.com/root/p/1");
});

Deno.test("API §2: converter registry has default, string (separate keys), int, float, path, uuid, any", () => {
  const conv = new Map().converters as Record<string, unknown>;
  assert.equal(conv.default, UnicodeConverter);
  assert.equal(conv.string, UnicodeConverter);
  assert.equal(conv.int, IntegerConverter);
  assert.equal(conv.float, FloatConverter);
  assert.equal(conv.path, PathConverter);
  assert.equal(conv.uuid, UUIDConverter);
  assert.equal(conv.any, AnyConverter);
  assert.ok(Object.hasOwn(conv, "default") || "default" in conv);
  assert.ok("string" in conv);
});

Deno.test("API §2: converters have regex, weight, partIsolating, toValue, toUrl", () => {
  const urlMap = new Map();
  for (
    const C of [UnicodeConverter, IntegerConverter, FloatConverter, PathConverter, UUIDConverter]
  ) {
    const c = new C(urlMap);
    assert.ok(c instanceof BaseConverter);
    assert.equal(typeof c.regex, "string");
    assert.equal(typeof c.weight, "number");
    assert.equal(typeof c.partIsolating, "boolean");
    assert.equal(typeof c.toValue, "function");
    assert.equal(typeof c.toUrl, "function");
  }
  assert.equal(new PathConverter(urlMap).partIsolating, false);
  assert.equal(new UnicodeConverter(urlMap).partIsolating, true);
  const any = new AnyConverter(urlMap, "a", "b");
  assert.equal(typeof any.regex, "string");
  const base = new BaseConverter(urlMap);
  assert.equal(base.toValue("x"), "x");
  assert.equal(base.toUrl("a b"), "a%20b");
});

Deno.test("API §2: new IntegerConverter(map, { fixedDigits: 4 }) and <int(fixed_digits=4):n>", () => {
  const urlMap = new Map();
  const c = new IntegerConverter(urlMap, { fixedDigits: 4 });
  assert.equal(c.toUrl(7), "0007");
  assert.equal(c.toValue("0042"), 42);
  assert.throws(() => c.toValue("42"), ValidationError);
  urlMap.add(new Rule("/n/<int(fixed_digits=4):n>", { endpoint: "n" }));
  urlMap.add(new Rule("/m/<int(fixedDigits=2):m>", { endpoint: "m" }));
  urlMap.add(new Rule("/s/<int(signed=True):s>", { endpoint: "s" }));
  const urls = urlMap.bind("example.com");
  assert.deepEqual(urls.match("/n/0042"), ["n", { n: 42 }]);
  assert.throws(() => urls.match("/n/42"), NotFound);
  assert.equal(urls.build("n", { n: 5 }), "/n/0005");
  assert.deepEqual(urls.match("/m/07"), ["m", { m: 7 }]);
  assert.deepEqual(urls.match("/s/-3"), ["s", { s: -3 }]);
});

Deno.test("API §2: a converter class is constructed as new C(map, ...positional, keywords)", () => {
  const seen: unknown[][] = [];
  class Recording extends BaseConverter {
    constructor(map: ConstructorParameters<typeof BaseConverter>[0], ...args: unknown[]) {
      super(map);
      seen.push(args);
    }
  }
  const urlMap = new Map([new Rule("/r/<rec(1, 'two', flag=True):v>", { endpoint: "r" })], {
    converters: { rec: Recording },
  });
  urlMap.bind("example.com").match("/r/x");
  assert.deepEqual(seen[0], [1, "two", { flag: true }]);
});

Deno.test("API §2: toValue throwing ValidationError means no match", () => {
  class Even extends BaseConverter {
    override regex = "\\d+";
    override toValue(value: string): unknown {
      const n = Number(value);
      if (n % 2) throw new ValidationError();
      return n;
    }
  }
  const urls = new Map([new Rule("/e/<even:n>", { endpoint: "e" })], { converters: { even: Even } })
    .bind("example.com");
  assert.deepEqual(urls.match("/e/4"), ["e", { n: 4 }]);
  assert.throws(() => urls.match("/e/3"), NotFound);
});

Deno.test("API §2: uuid gives a lowercase string; float builds as Python prints it", () => {
  const urls = new Map([
    new Rule("/u/<uuid:u>", { endpoint: "u" }),
    new Rule("/f/<float:f>", { endpoint: "f" }),
    new Rule("/a/<any(red, blue):c>", { endpoint: "a" }),
  ]).bind("example.com");
  const [, uArgs] = urls.match("/u/6B4A7C2E-0B1F-4E0D-9A3B-2C1D0E9F8A7B");
  assert.deepEqual(uArgs, { u: "6b4a7c2e-0b1f-4e0d-9a3b-2c1d0e9f8a7b" });
  assert.equal(urls.build("f", { f: 2 }), "/f/2.0");
  assert.equal(urls.build("f", { f: 2.5 }), "/f/2.5");
  assert.deepEqual(urls.match("/f/2.5"), ["f", { f: 2.5 }]);
  assert.deepEqual(urls.match("/a/blue"), ["a", { c: "blue" }]);
  assert.throws(() => urls.match("/a/green"), NotFound);
});

Deno.test("API §2: the Map adds no OPTIONS handling", () => {
  const urls = new Map([new Rule("/x", { endpoint: "x", methods: ["GET"] })]).bind("example.com");
  assert.throws(() => urls.match("/x", "OPTIONS"), MethodNotAllowed);
});

Deno.test("API §2/§3: every HTTP error has Werkzeug's code", () => {
  const codes: [new () => HTTPException, number][] = [
    [BadRequest, 400],
    [Unauthorized, 401],
    [Forbidden, 403],
    [NotFound, 404],
    [MethodNotAllowed, 405],
    [NotAcceptable, 406],
    [RequestTimeout, 408],
    [Conflict, 409],
    [Gone, 410],
    [LengthRequired, 411],
    [PreconditionFailed, 412],
    [RequestEntityTooLarge, 413],
    [RequestURITooLarge, 414],
    [UnsupportedMediaType, 415],
    [RequestedRangeNotSatisfiable, 416],
    [ExpectationFailed, 417],
    [ImATeapot, 418],
    [MisdirectedRequest, 421],
    [UnprocessableEntity, 422],
    [Locked, 423],
    [FailedDependency, 424],
    [PreconditionRequired, 428],
    [TooManyRequests, 429],
    [RequestHeaderFieldsTooLarge, 431],
    [UnavailableForLegalReasons, 451],
    [InternalServerError, 500],
    [NotImplemented, 501],
    [BadGateway, 502],
    [ServiceUnavailable, 503],
    [GatewayTimeout, 504],
    [HTTPVersionNotSupported, 505],
  ];
  for (const [C, code] of codes) {
    const e = new C();
    assert.ok(e instanceof HTTPException, C.name);
    assert.ok(e instanceof Error, C.name);
    assert.equal(e.code, code, C.name);
    assert.equal(typeof e.description, "string");
    assert.equal(e.getResponse().statusCode, code, C.name);
  }
  assert.equal(new RequestRedirect("http://x/").code, 308);
  assert.ok(new RequestRedirect("http://x/") instanceof HTTPException);
  assert.equal(new RequestRedirect("http://x/").newUrl, "http://x/");
});

// ---------------------------------------------------------------------------------------
// §3 HTTP errors and abort
// ---------------------------------------------------------------------------------------

Deno.test("API §3: new NotFound(description?) and getResponse() give a 404 phial Response", async () => {
  const e = new NotFound("no such user");
  assert.equal(e.code, 404);
  assert.equal(e.description, "no such user");
  assert.equal(e.name, "Not Found");
  const res = e.getResponse();
  assert.ok(res instanceof Response);
  assert.equal(res.statusCode, 404);
  assert.equal(res.status, "404 NOT FOUND");
  assert.match(await (res as Response).getData({ asText: true }), /no such user/);
  assert.ok(new NotFound().description.length > 0);
});

Deno.test("API §3: new MethodNotAllowed(validMethods?, description?) sets Allow", () => {
  const e = new MethodNotAllowed(["GET", "POST"], "use GET");
  assert.deepEqual(e.validMethods, ["GET", "POST"]);
  assert.equal(e.description, "use GET");
  const res = e.getResponse() as Response;
  assert.equal(res.statusCode, 405);
  assert.equal(res.headers.get("Allow"), "GET, POST");
  assert.deepEqual(new MethodNotAllowed().validMethods ?? [], []);
});

Deno.test("API §3: an HTTP error is an app object", async () => {
  const out = await callApp((e, sr) => new Forbidden().wsgiApp(e, sr), env("/"));
  assert.equal(out.status, "403 FORBIDDEN");
  assert.match(out.body, /Forbidden/);
});

Deno.test("API §3: abort(code, description?) and abort(Response)", () => {
  assert.throws(() => abort(404), (e: unknown) => e instanceof NotFound && e.code === 404);
  assert.throws(
    () => abort(403, "go away"),
    (e: unknown) => e instanceof Forbidden && e.description === "go away",
  );
  const res = new Response("teapot", { status: 418 });
  assert.throws(() => abort(res), (e: unknown) => {
    assert.ok(e instanceof HTTPException);
    assert.equal(e.getResponse(), res);
    return true;
  });
});

// ---------------------------------------------------------------------------------------
// §3 data structures
// ---------------------------------------------------------------------------------------

Deno.test("API §3: MultiDict get(key, { type, default }) — a throwing type gives the default", () => {
  const d = new MultiDict([["n", "5"], ["n", "6"], ["s", "abc"]]);
  assert.equal(d.get("n"), "5");
  assert.equal(d.get("n", { type: Number, default: 0 }), 5);
  const strictInt = (v: string): number => {
    if (!/^-?\d+$/.test(v)) throw new TypeError("not an int");
    return Number(v);
  };
  assert.equal(d.get("s", { type: strictInt, default: 0 }), 0);
  assert.equal(d.get("missing", { default: "x" }), "x");
  assert.equal(d.get("missing") ?? null, null);
  assert.deepEqual(d.getlist("n"), ["5", "6"]);
  assert.deepEqual(d.getAll("n"), ["5", "6"]);
  assert.deepEqual(d.getlist("n", { type: Number }), [5, 6]);
  assert.deepEqual([...d.keys()], ["n", "s"]);
  assert.deepEqual([...d], [["n", "5"], ["n", "6"], ["s", "abc"]]);
  assert.deepEqual([...d.entries()], [["n", "5"], ["n", "6"], ["s", "abc"]]);
  assert.deepEqual(d.toDict(), { n: "5", s: "abc" });
  d.add("s", "def");
  assert.deepEqual(d.getlist("s"), ["abc", "def"]);
  d.set("s", "z");
  assert.deepEqual(d.getlist("s"), ["z"]);
  d.setlist("s", ["p", "q"]);
  assert.deepEqual(d.getAll("s"), ["p", "q"]);
  assert.ok(d.has("s"));
  d.delete("s");
  assert.ok(!d.has("s"));
  assert.equal(new MultiDict({ a: "1" }).get("a"), "1");
});

Deno.test("API §3: Headers — case-insensitive, ordered, multi-valued, toWsgiList()", () => {
  const h = new Headers([["Content-Type", "text/plain"], ["X-A", "1"]]);
  assert.equal(h.get("content-type"), "text/plain");
  h.add("x-a", "2");
  assert.deepEqual(h.getlist("X-A"), ["1", "2"]);
  assert.deepEqual(h.getAll("X-A"), ["1", "2"]);
  h.set("X-A", "3");
  assert.deepEqual(h.getlist("x-a"), ["3"]);
  assert.ok(h.has("X-a"));
  h.add("Set-Cookie", "a=1");
  h.add("Set-Cookie", "b=2");
  assert.deepEqual([...h], [["Content-Type", "text/plain"], ["X-A", "3"], ["Set-Cookie", "a=1"], [
    "Set-Cookie",
    "b=2",
  ]]);
  assert.deepEqual(h.toWsgiList(), [["Content-Type", "text/plain"], ["X-A", "3"], [
    "Set-Cookie",
    "a=1",
  ], ["Set-Cookie", "b=2"]]);
  h.remove("set-cookie");
  assert.ok(!h.has("Set-Cookie"));
  assert.equal(h.setdefault("X-New", "n"), "n");
  assert.equal(h.setdefault("X-New", "m"), "n");
  h.delete("X-New");
  assert.ok(!h.has("X-New"));
  assert.throws(() => h.set("X-Bad", "a\r\nb"), TypeError);
  assert.equal(new Headers({ "X-R": "r" }).get("x-r"), "r");
  assert.equal(new Headers(new globalThis.Headers({ "X-F": "f" })).get("X-F"), "f");
});

// ---------------------------------------------------------------------------------------
// §3 Request
// ---------------------------------------------------------------------------------------

Deno.test("API §3: Request properties from the environ", () => {
  const environ = env("/sub/items?page=2&tag=a&tag=b", {
    baseUrl: "http://example.com:8080/root",
    method: "POST",
    headers: { Cookie: "sid=abc; theme=dark", "Content-Type": "application/json; charset=utf-8" },
    data: '{"a": 1}',
    environBase: { REMOTE_ADDR: "10.0.0.1" },
  });
  const request = new Request(environ);
  assert.equal(request.method, "POST");
  assert.equal(request.scheme, "http");
  assert.equal(request.host, "example.com:8080");
  assert.equal(request.path, "/sub/items");
  assert.equal(request.fullPath, "/sub/items?page=2&tag=a&tag=b");
  assert.equal(request.url, "http://example.com:8080/root/sub/items?page=2&tag=a&tag=b");
  assert.equal(request.baseUrl, "http://example.com:8080/root/sub/items");
  assert.equal(request.rootUrl, "http://example.com:8080/root/");
  assert.equal(request.scriptRoot, "/root");
  assert.ok(request.args instanceof MultiDict);
  assert.deepEqual(request.args.getlist("tag"), ["a", "b"]);
  assert.equal(request.args.get("page", { type: Number, default: 0 }), 2);
  assert.ok(request.headers instanceof Headers);
  assert.equal(request.headers.get("cookie"), "sid=abc; theme=dark");
  assert.equal(request.cookies.get("sid"), "abc");
  assert.equal(request.cookies.get("theme"), "dark");
  assert.equal(request.remoteAddr, "10.0.0.1");
  assert.equal(request.contentType, "application/json; charset=utf-8");
  assert.equal(request.contentLength, 8);
  assert.equal(request.mimetype, "application/json");
  assert.equal(request.isJson, true);
  assert.equal(request.endpoint, null);
  assert.equal(request.viewArgs, null);
  assert.equal(request.urlRule, null);
});

Deno.test("API §3: await request.form, request.files, request.getData(), request.getJson()", async () => {
  const form = new Request(env("/", { method: "POST", form: { a: "1", b: ["2", "3"] } }));
  const f = await form.form;
  assert.ok(f instanceof MultiDict);
  assert.equal(f.get("a"), "1");
  assert.deepEqual(f.getlist("b"), ["2", "3"]);

  const upload = new Request(
    env("/", {
      method: "POST",
      form: { title: "t" },
      files: {
        doc: { data: encoder.encode("hello file"), filename: "a b.txt", contentType: "text/plain" },
      },
    }),
  );
  assert.equal((await upload.form).get("title"), "t");
  const files = await upload.files;
  const doc = files.get("doc");
  assert.ok(doc instanceof FileStorage);
  assert.equal(doc.filename, "a b.txt");
  assert.equal(doc.name, "doc");
  assert.equal(doc.contentType, "text/plain");
  assert.equal(doc.mimetype, "text/plain");
  assert.equal(typeof doc.contentLength, "number");
  assert.equal(typeof doc.stream.read, "function");
  assert.equal(decoder.decode(await doc.read()), "hello file");

  const raw = new Request(env("/", { method: "PUT", data: "raw body", contentType: "text/plain" }));
  const data = await raw.getData();
  assert.ok(data instanceof Uint8Array);
  assert.equal(decoder.decode(data), "raw body");
  assert.equal(await raw.getData({ asText: true }), "raw body");

  const json = new Request(env("/", { method: "POST", json: { x: [1, 2] } }));
  assert.deepEqual(await json.getJson(), { x: [1, 2] });
  const notJson = new Request(env("/", { method: "POST", data: "{}", contentType: "text/plain" }));
  assert.equal(await notJson.getJson({ silent: true }), null);
  assert.deepEqual(await notJson.getJson({ force: true }), {});
  const bad = new Request(env("/", { method: "POST", data: "{", contentType: "application/json" }));
  await assert.rejects(() => bad.getJson(), BadRequest);
  assert.equal(await bad.getJson({ silent: true }), null);
});

Deno.test("API §3: new Request(environ, { maxContentLength, maxFormMemorySize, maxFormParts }) and settable limits", async () => {
  const body = { method: "POST", form: { a: "1", b: "2", c: "3" } } as const;
  const r1 = new Request(env("/", body), {
    maxContentLength: 5,
    maxFormMemorySize: 100,
    maxFormParts: 10,
  });
  assert.equal(r1.maxContentLength, 5);
  assert.equal(r1.maxFormMemorySize, 100);
  assert.equal(r1.maxFormParts, 10);
  await assert.rejects(async () => await r1.form, RequestEntityTooLarge);

  const r2 = new Request(env("/", body));
  r2.maxContentLength = 5;
  await assert.rejects(() => r2.getData(), RequestEntityTooLarge);

  const r3 = new Request(env("/", { method: "POST", form: { a: "x".repeat(100) } }));
  r3.maxFormMemorySize = 10;
  await assert.rejects(async () => await r3.form, RequestEntityTooLarge);

  const multipart = {
    method: "POST",
    form: { a: "1", b: "2", c: "3" },
    files: { f: { data: encoder.encode("z"), filename: "z.txt" } },
  };
  const r4 = new Request(env("/", multipart), { maxFormParts: 2 });
  await assert.rejects(async () => await r4.form, RequestEntityTooLarge);
  const r5 = new Request(env("/", multipart));
  r5.maxFormParts = 10;
  assert.equal((await r5.form).get("c"), "3");
});

Deno.test("API §3: acceptMimetypes iterates [value, quality], bestMatch, quality, best, acceptHtml, acceptJson", () => {
  const request = new Request(
    env("/", { headers: { Accept: "text/html;q=0.9, application/json" } }),
  );
  const accept = request.acceptMimetypes;
  assert.deepEqual([...accept], [["application/json", 1], ["text/html", 0.9]]);
  assert.equal(accept.bestMatch(["text/html", "application/json"]), "application/json");
  assert.equal(accept.bestMatch(["image/png"]) ?? null, null);
  assert.equal(accept.bestMatch(["image/png"], "x"), "x");
  assert.equal(accept.quality("text/html"), 0.9);
  assert.equal(accept.best, "application/json");
  assert.equal(accept.acceptHtml, true);
  assert.equal(accept.acceptJson, true);
  const plain = new Request(env("/", { headers: { Accept: "text/plain" } })).acceptMimetypes;
  assert.equal(plain.acceptHtml, false);
  assert.equal(plain.acceptJson, false);
  const langs = new Request(env("/", { headers: { "Accept-Language": "de;q=0.5, en" } }));
  assert.deepEqual([...langs.acceptLanguages], [["en", 1], ["de", 0.5]]);
});

Deno.test("API §3: request.authorization is { type, token, parameters, username, password }", () => {
  const basic =
    new Request(env("/", { headers: { Authorization: "Basic dXNlcjpwYXNz" } })).authorization;
  assert.ok(basic);
  assert.equal(basic.type, "basic");
  assert.equal(basic.username, "user");
  assert.equal(basic.password, "pass");
  assert.equal(basic.token ?? null, null);
  assert.equal(basic.parameters.username, "user");
  const bearer =
    new Request(env("/", { headers: { Authorization: "Bearer abc.def" } })).authorization;
  assert.ok(bearer);
  assert.equal(bearer.type, "bearer");
  assert.equal(bearer.token, "abc.def");
  assert.deepEqual({ ...bearer.parameters }, {});
  assert.equal(new Request(env("/")).authorization, null);
});

Deno.test("API §3: ifNoneMatch / ifMatch have starTag, contains, containsWeak, isWeak, toHeader()", () => {
  const r = new Request(env("/", { headers: { "If-None-Match": '"a", W/"b"', "If-Match": "*" } }));
  const inm = r.ifNoneMatch;
  assert.equal(inm.starTag, false);
  assert.equal(inm.contains("a"), true);
  assert.equal(inm.contains("b"), false);
  assert.equal(inm.containsWeak("b"), true);
  assert.equal(inm.isWeak("b"), true);
  assert.equal(inm.isWeak("a"), false);
  assert.equal(inm.toHeader(), '"a", W/"b"');
  assert.equal(r.ifMatch.starTag, true);
  assert.equal(r.ifMatch.contains("anything"), true);
  assert.equal(r.ifMatch.toHeader(), "*");
});

Deno.test("API §3: ifModifiedSince is a Date", () => {
  const r = new Request(
    env("/", { headers: { "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT" } }),
  );
  assert.ok(r.ifModifiedSince instanceof Date);
  assert.equal(r.ifModifiedSince.getTime(), Date.UTC(2015, 9, 21, 7, 28, 0));
  assert.equal(new Request(env("/")).ifModifiedSince, null);
});

Deno.test("API §3: request.range is { units, ranges } with rangeForLength and toContentRangeHeader", () => {
  const r = new Request(env("/", { headers: { Range: "bytes=0-499" } })).range;
  assert.ok(r);
  assert.equal(r.units, "bytes");
  assert.deepEqual(r.ranges, [[0, 500]]);
  assert.deepEqual(r.rangeForLength(1000), [0, 500]);
  assert.equal(r.toContentRangeHeader(1000), "bytes 0-499/1000");
  const suffix = new Request(env("/", { headers: { Range: "bytes=-500" } })).range;
  assert.ok(suffix);
  assert.deepEqual(suffix.ranges, [[-500, null]]);
  assert.deepEqual(suffix.rangeForLength(1000), [500, 1000]);
  assert.equal(suffix.toContentRangeHeader(1000), "bytes 500-999/1000");
  const open = new Request(env("/", { headers: { Range: "bytes=500-" } })).range;
  assert.ok(open);
  assert.deepEqual(open.ranges, [[500, null]]);
  assert.equal(new Request(env("/")).range, null);
});

// ---------------------------------------------------------------------------------------
// §3 Response
// ---------------------------------------------------------------------------------------

Deno.test("API §3: new Response(body?, { status, headers, mimetype, contentType }) and settable props", async () => {
  const res = new Response("hi", { status: 201, headers: { "X-A": "1" }, mimetype: "text/plain" });
  assert.equal(res.statusCode, 201);
  assert.equal(res.status, "201 CREATED");
  assert.equal(res.headers.get("X-A"), "1");
  assert.equal(res.mimetype, "text/plain");
  assert.equal(res.contentType, "text/plain; charset=utf-8");
  const ct = new Response("{}", { contentType: "application/json" });
  assert.equal(ct.contentType, "application/json");
  assert.equal(new Response().statusCode, 200);
  assert.equal(new Response().mimetype, "text/html");
  assert.equal(new Response("x", { status: "202 Accepted" }).status, "202 Accepted");

  res.statusCode = 418;
  assert.equal(res.status, "418 I'M A TEAPOT");
  res.status = "404";
  assert.equal(res.status, "404 NOT FOUND");
  assert.equal(res.statusCode, 404);
  res.status = 204;
  assert.equal(res.statusCode, 204);
  res.mimetype = "application/xml";
  assert.equal(res.mimetype, "application/xml");
  res.contentType = "image/png";
  assert.equal(res.headers.get("Content-Type"), "image/png");

  res.setData("new body");
  assert.equal(await res.getData({ asText: true }), "new body");
  const bytes = await res.getData();
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(decoder.decode(bytes), "new body");
  assert.equal(res.headers.get("Content-Length"), "8");
  res.setData(encoder.encode("b"));
  assert.equal(await res.getData({ asText: true }), "b");
});

Deno.test("API §3: setCookie with expires as a Date and maxAge in seconds, httponly/httpOnly, samesite/sameSite", () => {
  const res = new Response("");
  res.setCookie("k", "v", {
    maxAge: 60,
    expires: new Date(Date.UTC(2030, 0, 1)),
    path: "/",
    domain: "example.com",
    secure: true,
    httponly: true,
    samesite: "Lax",
    partitioned: true,
  });
  assert.deepEqual(res.headers.getlist("Set-Cookie"), [
    "k=v; Domain=example.com; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Max-Age=60; Secure; HttpOnly; Path=/; SameSite=Lax; Partitioned",
  ]);
  const camel = new Response("");
  camel.setCookie("c", "1", { httpOnly: true, sameSite: "Strict" });
  assert.equal(camel.headers.get("Set-Cookie"), "c=1; HttpOnly; Path=/; SameSite=Strict");
  const bad = new Response("");
  assert.throws(() => bad.setCookie("k", "v", { expires: 1 as unknown as Date }), TypeError);
  res.deleteCookie("k");
  assert.equal(
    res.headers.getlist("Set-Cookie").at(-1),
    "k=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
  );
});

Deno.test("API §3: response.wsgiApp(environ, startResponse) is the Response as an app", async () => {
  const res = new Response("hello", { status: 202, headers: { "X-Y": "z" } });
  const out = await callApp((e, sr) => res.wsgiApp(e, sr), env("/"));
  assert.equal(out.status, "202 ACCEPTED");
  assert.equal(out.body, "hello");
  const h = new globalThis.Map(out.headers.map(([k, v]) => [k.toLowerCase(), v]));
  assert.equal(h.get("x-y"), "z");
  assert.equal(h.get("content-length"), "5");
  assert.equal(h.get("content-type"), "text/html; charset=utf-8");
});

Deno.test("API §3: Response.forceType(rv, environ) wraps any app's output", async () => {
  const app: WsgiApp = (_e, sr) => {
    sr("201 Created", [["Content-Type", "text/plain"]]);
    return ["made"];
  };
  const wrapped = await Response.forceType(app, env("/"));
  assert.ok(wrapped instanceof Response);
  assert.equal(wrapped.statusCode, 201);
  assert.equal(await wrapped.getData({ asText: true }), "made");
  const same = new Response("x");
  assert.equal(await Response.forceType(same, env("/")), same);
});

// ---------------------------------------------------------------------------------------
// §3 FileStorage, secureFilename
// ---------------------------------------------------------------------------------------

Deno.test("API §3: FileStorage has filename, name, contentType, mimetype, contentLength, stream, read(), save(path)", async () => {
  const fs = new FileStorage(encoder.encode("data!"), {
    filename: "x.txt",
    name: "up",
    contentType: "text/plain; charset=utf-8",
    contentLength: 5,
  });
  assert.equal(fs.filename, "x.txt");
  assert.equal(fs.name, "up");
  assert.equal(fs.contentType, "text/plain; charset=utf-8");
  assert.equal(fs.mimetype, "text/plain");
  assert.equal(fs.contentLength, 5);
  const stream: InputStream = fs.stream;
  assert.equal(typeof stream.readline, "function");
  assert.equal(decoder.decode(await fs.read()), "data!");
  const dir = await Deno.makeTempDir();
  try {
    const fs2 = new FileStorage(encoder.encode("saved"), { filename: "y.txt", name: "f" });
    await fs2.save(`${dir}/y.txt`);
    assert.equal(await Deno.readTextFile(`${dir}/y.txt`), "saved");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("API §3: secureFilename as Werkzeug's secure_filename", () => {
  assert.equal(secureFilename("../../etc/passwd"), "etc_passwd");
  assert.equal(secureFilename("My cool movie.mov"), "My_cool_movie.mov");
  assert.equal(
    secureFilename("i contain cool \u00fcml\u00e4uts.txt"),
    "i_contain_cool_umlauts.txt",
  );
});

// ---------------------------------------------------------------------------------------
// §3 test client
// ---------------------------------------------------------------------------------------

const echoApp: WsgiApp = async (environ, startResponse) => {
  const request = new Request(environ);
  const body = {
    method: request.method,
    host: request.host,
    serverName: environ.SERVER_NAME,
    path: request.path,
    query: request.args.toDict(),
    header: request.headers.get("X-Test"),
    contentType: request.contentType,
    form: (await request.form).toDict(),
    files: [...(await request.files)].map(([k, f]) => [k, f.filename]),
    data: await request.getData({ asText: true }),
  };
  if (request.path === "/redirect") {
    startResponse("302 Found", [["Location", "/target"]]);
    return [];
  }
  startResponse("200 OK", [["Content-Type", "application/json"], ["X-Echo", "1"]]);
  return [JSON.stringify(body)];
};

Deno.test("API §3: new Client(app) — results have statusCode, status, headers, data, text, json; default host localhost", async () => {
  const client = new Client(echoApp);
  const res = await client.get("/p", { query: { a: "1" }, headers: { "X-Test": "t" } });
  assert.equal(res.statusCode, 200);
  assert.equal(res.status, "200 OK");
  assert.equal(res.headers.get("X-Echo"), "1");
  assert.ok(res.data instanceof Uint8Array);
  assert.equal(typeof res.text, "string");
  const json = res.json as Record<string, unknown>;
  assert.deepEqual(JSON.parse(res.text), json);
  assert.equal(json.method, "GET");
  assert.equal(json.host, "localhost");
  assert.equal(json.serverName, "localhost");
  assert.equal(json.path, "/p");
  assert.deepEqual(json.query, { a: "1" });
  assert.equal(json.header, "t");
});

Deno.test("API §3: client methods and the options data, json, form, files, contentType, method", async () => {
  const client = new Client(echoApp);
  const methods = ["get", "post", "put", "patch", "delete", "head", "options"] as const;
  for (const m of methods) {
    const res = await client[m]("/m");
    assert.equal(res.statusCode, 200, m);
    if (m !== "head") assert.equal((res.json as { method: string }).method, m.toUpperCase());
  }
  const opened = await client.open("/o", { method: "PATCH" });
  assert.equal((opened.json as { method: string }).method, "PATCH");

  const posted = await client.post("/d", { data: "raw", contentType: "text/plain" });
  assert.equal((posted.json as { data: string }).data, "raw");
  assert.equal((posted.json as { contentType: string }).contentType, "text/plain");

  const js = await client.post("/j", { json: { k: 1 } });
  assert.equal((js.json as { data: string }).data, '{"k":1}');
  assert.equal((js.json as { contentType: string }).contentType, "application/json");

  const form = await client.post("/f", { form: { a: "1" } });
  assert.deepEqual((form.json as { form: unknown }).form, { a: "1" });

  const files = await client.post("/u", {
    form: { t: "x" },
    files: { doc: { data: encoder.encode("content"), filename: "doc.txt" } },
  });
  assert.deepEqual((files.json as { form: unknown }).form, { t: "x" });
  assert.deepEqual((files.json as { files: unknown }).files, [["doc", "doc.txt"]]);
});

Deno.test("API §3: Client followRedirects as a client option and a request option", async () => {
  const plain = new Client(echoApp);
  const r1 = await plain.get("/redirect");
  assert.equal(r1.statusCode, 302);
  const r2 = await plain.get("/redirect", { followRedirects: true });
  assert.equal(r2.statusCode, 200);
  assert.equal((r2.json as { path: string }).path, "/target");
  const following = new Client(echoApp, { followRedirects: true });
  const r3 = await following.get("/redirect");
  assert.equal(r3.statusCode, 200);
  assert.equal((r3.json as { path: string }).path, "/target");
  const r4 = await following.get("/redirect", { followRedirects: false });
  assert.equal(r4.statusCode, 302);
});

Deno.test("API §3: new EnvironBuilder(path, options) builds a PEP 3333 environ for localhost", async () => {
  const environ = new EnvironBuilder("/items?page=2", {
    method: "POST",
    json: { name: "pen" },
    headers: { "X-K": "v" },
  }).getEnviron();
  assert.equal(environ.REQUEST_METHOD, "POST");
  assert.equal(environ.PATH_INFO, "/items");
  assert.equal(environ.QUERY_STRING, "page=2");
  assert.equal(environ.SCRIPT_NAME, "");
  assert.equal(environ.SERVER_NAME, "localhost");
  assert.equal(environ.SERVER_PORT, "80");
  assert.equal(environ.HTTP_HOST, "localhost");
  assert.equal(environ.HTTP_X_K, "v");
  assert.equal(environ.CONTENT_TYPE, "application/json");
  assert.equal(environ.CONTENT_LENGTH, "14");
  assert.deepEqual(environ["wsgi.version"], [1, 0]);
  assert.equal(environ["wsgi.url_scheme"], "http");
  assert.equal(decoder.decode(await environ["wsgi.input"].read()), '{"name":"pen"}');
  const q = new EnvironBuilder("/q", { query: { a: ["1", "2"] } }).getEnviron();
  assert.equal(q.QUERY_STRING, "a=1&a=2");
});

// ---------------------------------------------------------------------------------------
// §1 gateway protocol and adapters
// ---------------------------------------------------------------------------------------

const helloApp: WsgiApp = (environ, startResponse) => {
  startResponse("200 OK", [["Content-Type", "text/plain"]]);
  return [`hello ${environ.PATH_INFO} ${environ.QUERY_STRING}`];
};

Deno.test("API §1: toFetchHandler(app) runs an app object as (Request, info?) => Promise<Response>", async () => {
  const handler = toFetchHandler(helloApp);
  const res = await handler(new globalThis.Request("http://example.com/a?b=1"));
  assert.ok(res instanceof globalThis.Response);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/plain");
  assert.equal(await res.text(), "hello /a b=1");
  const obj = { wsgiApp: helloApp };
  const objRes = await toFetchHandler(obj, {})(new globalThis.Request("http://example.com/o"));
  assert.equal(await objRes.text(), "hello /o ");
});

Deno.test("API §1: environFromRequest(request, info?) builds the environ", async () => {
  const req = new globalThis.Request("https://example.com:8443/p%C3%A9?x=%20", {
    method: "POST",
    headers: { "X-Foo": "bar", "Content-Type": "text/plain" },
    body: "abc",
  });
  const environ = environFromRequest(req, {
    remoteAddr: { transport: "tcp", hostname: "10.1.2.3", port: 5555 },
  });
  assert.equal(environ.REQUEST_METHOD, "POST");
  assert.equal(environ.PATH_INFO, "/p\u00e9");
  assert.equal(environ.QUERY_STRING, "x=%20");
  assert.equal(environ.SCRIPT_NAME, "");
  assert.equal(environ.SERVER_NAME, "example.com");
  assert.equal(environ.SERVER_PORT, "8443");
  assert.equal(environ.HTTP_X_FOO, "bar");
  assert.equal(environ.CONTENT_TYPE, "text/plain");
  assert.equal(environ.REMOTE_ADDR, "10.1.2.3");
  assert.equal(environ["wsgi.url_scheme"], "https");
  assert.deepEqual(environ["wsgi.version"], [1, 0]);
  assert.equal(environ["wsgi.input_terminated"], true);
  assert.equal(environ["deno.request"], req);
  assert.equal(decoder.decode(await environ["wsgi.input"].read()), "abc");
});

Deno.test("API §1: fromFetchHandler(handler) mounts a fetch handler as a WsgiApp", async () => {
  const app = fromFetchHandler(async (req) => {
    const url = new URL(req.url);
    return new globalThis.Response(
      `${req.method} ${url.pathname}${url.search} ${await req.text()}`,
      {
        status: 201,
        headers: { "X-H": "h" },
      },
    );
  });
  const res = await new Client(app).post("/in?q=1", { data: "body" });
  assert.equal(res.statusCode, 201);
  assert.equal(res.headers.get("X-H"), "h");
  assert.equal(res.text, "POST /in?q=1 body");
});

Deno.test("API §1: validator(app) throws on a violation by the app and passes a good app", async () => {
  const good = await callApp(validator(helloApp), env("/v"));
  assert.equal(good.body, "hello /v ");
  const badStatus: WsgiApp = (_e, sr) => {
    sr("200", [["Content-Type", "text/plain"]]);
    return ["x"];
  };
  await assert.rejects(() => callApp(validator(badStatus), env("/")));
  const hopByHop: WsgiApp = (_e, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"], ["Connection", "close"]]);
    return ["x"];
  };
  await assert.rejects(() => callApp(validator(hopByHop), env("/")));
  const noStart: WsgiApp = () => ["x"];
  await assert.rejects(() => callApp(validator(noStart), env("/")));
});

// ---------------------------------------------------------------------------------------
// §1 servers
// ---------------------------------------------------------------------------------------

const ENGINES = ["reference", "deno", "serve-http"] as const;

for (const engine of ENGINES) {
  Deno.test(`API §1: serve(app, { hostname, port, engine: "${engine}", onListen }) → addr, finished, shutdown()`, async () => {
    let listened: Deno.NetAddr | undefined;
    const handle = await serve(helloApp, {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: (addr) => {
        listened = addr;
      },
    });
    try {
      assert.equal(handle.addr.hostname, "127.0.0.1");
      assert.ok(handle.addr.port > 0);
      const res = await fetch(`http://127.0.0.1:${handle.addr.port}/x?y=1`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "hello /x y=1");
      assert.ok(listened);
      assert.equal(listened.port, handle.addr.port);
    } finally {
      await handle.shutdown();
    }
    await handle.finished;
  });

  Deno.test(`API §1: serve(..., { engine: "${engine}", signal }) stops when the signal aborts`, async () => {
    const controller = new AbortController();
    const handle = await serve(helloApp, {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      signal: controller.signal,
      onListen: () => {},
    });
    const res = await fetch(`http://127.0.0.1:${handle.addr.port}/s`);
    assert.equal(await res.text(), "hello /s ");
    controller.abort();
    await handle.finished;
    await assert.rejects(() => fetch(`http://127.0.0.1:${handle.addr.port}/s`));
  });

  Deno.test(`API §1: [${engine}] servers look wsgiApp up per request (obj.wsgiApp = mw(obj.wsgiApp))`, async () => {
    const obj: { wsgiApp: WsgiApp } = { wsgiApp: helloApp };
    const handle = await serve(obj, { hostname: "127.0.0.1", port: 0, engine, onListen: () => {} });
    try {
      const base = `http://127.0.0.1:${handle.addr.port}`;
      assert.equal(await (await fetch(`${base}/a`)).text(), "hello /a ");
      const mw = (inner: WsgiApp): WsgiApp => (environ, sr) =>
        inner(environ, (status, headers, exc) => sr(status, [...headers, ["X-MW", "on"]], exc));
      obj.wsgiApp = mw(obj.wsgiApp);
      const res = await fetch(`${base}/b`);
      assert.equal(res.headers.get("x-mw"), "on");
      assert.equal(await res.text(), "hello /b ");
    } finally {
      await handle.shutdown();
    }
  });
}

Deno.test("API §1: server.ts re-exports serve", () => {
  assert.equal(serverServe, serve);
});

Deno.test("API §1: server.ts WSGIServer serveForever()/shutdown() and makeServer({ hostname, port }, app)", async () => {
  const httpd = makeServer({ hostname: "127.0.0.1", port: 0 }, helloApp);
  assert.ok(httpd instanceof WSGIServer);
  const done = httpd.serveForever();
  try {
    const res = await fetch(`http://127.0.0.1:${httpd.serverPort}/m`);
    assert.equal(await res.text(), "hello /m ");
  } finally {
    await httpd.shutdown();
  }
  await done;

  const server = new WSGIServer({ hostname: "127.0.0.1", port: 0 });
  const app: AppObject = { wsgiApp: helloApp };
  server.setApp(app);
  const forever = server.serveForever();
  try {
    const res = await fetch(`http://127.0.0.1:${server.serverPort}/w`);
    assert.equal(await res.text(), "hello /w ");
  } finally {
    await server.shutdown();
  }
  await forever;
});

// ---------------------------------------------------------------------------------------
// §1 PEP 3333 semantics, through toFetchHandler and every engine
// ---------------------------------------------------------------------------------------

interface Probe {
  closed: number;
  rethrew: boolean;
}

function pepApp(probe: Probe): WsgiApp {
  return async (environ, startResponse) => {
    await Promise.resolve();
    const path = environ.PATH_INFO;
    const closing = <T extends object>(body: T): T & { close(): void } =>
      Object.assign(body, {
        close() {
          probe.closed++;
        },
      });
    if (path === "/utf8") {
      startResponse("200 OK", [["Content-Type", "text/plain; charset=utf-8"]]);
      return closing(["caf\u00e9 ", "\u00fcber"]);
    }
    if (path === "/write") {
      const write = startResponse("200 OK", [["Content-Type", "text/plain"]]);
      write(encoder.encode("legacy "));
      return closing(["body"]);
    }
    if (path === "/late-error") {
      // Headers are not sent before the first non-empty chunk: the app may still replace them.
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return closing((async function* () {
        yield "";
        try {
          throw new Error("boom");
        } catch (e) {
          startResponse("500 Internal Server Error", [["Content-Type", "text/plain"]], e);
          yield "recovered";
        }
      })());
    }
    if (path === "/after-headers") {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return closing((function* () {
        yield "sent";
        try {
          startResponse("500 Internal Server Error", [], new Error("too late"));
        } catch {
          probe.rethrew = true;
        }
        yield " more";
      })());
    }
    startResponse("404 Not Found", [["Content-Type", "text/plain"]]);
    return closing(["missing"]);
  };
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check());
}

async function checkPep3333(fetchFn: (path: string) => Promise<globalThis.Response>, probe: Probe) {
  const utf8 = await fetchFn("/utf8");
  assert.deepEqual(
    new Uint8Array(await utf8.arrayBuffer()),
    encoder.encode("caf\u00e9 \u00fcber"),
  );
  await eventually(() => probe.closed === 1);

  const write = await fetchFn("/write");
  assert.equal(await write.text(), "legacy body");
  await eventually(() => probe.closed === 2);

  const late = await fetchFn("/late-error");
  assert.equal(late.status, 500);
  assert.equal(await late.text(), "recovered");
  await eventually(() => probe.closed === 3);

  const after = await fetchFn("/after-headers");
  assert.equal(after.status, 200);
  await after.text().catch(() => "");
  await eventually(() => probe.closed === 4);
  assert.equal(probe.rethrew, true);
}

Deno.test("API §1: PEP 3333 semantics under toFetchHandler (UTF-8 strings, write(), excInfo, close())", async () => {
  const probe: Probe = { closed: 0, rethrew: false };
  const handler = toFetchHandler(pepApp(probe));
  await checkPep3333((path) => handler(new globalThis.Request(`http://localhost${path}`)), probe);
});

for (const engine of ENGINES) {
  Deno.test(`API §1: [${engine}] PEP 3333 semantics over a socket (UTF-8 strings, write(), excInfo, close())`, async () => {
    const probe: Probe = { closed: 0, rethrew: false };
    const handle = await serve(pepApp(probe), {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: () => {},
    });
    try {
      await checkPep3333((path) => fetch(`http://127.0.0.1:${handle.addr.port}${path}`), probe);
    } finally {
      await handle.shutdown();
    }
  });

  Deno.test(`API §1: [${engine}] an app object may be a class instance, and a phial Response is an app object`, async () => {
    class Greeter {
      greeting = "hi";
      wsgiApp(environ: Environ, startResponse: StartResponse): Body {
        startResponse("200 OK", [["Content-Type", "text/plain"]]);
        return [`${this.greeting} ${environ.PATH_INFO}`];
      }
    }
    const greeter = new Greeter();
    const h1 = await serve(greeter, { hostname: "127.0.0.1", port: 0, engine, onListen: () => {} });
    const h2 = await serve(new Response("static", { mimetype: "text/plain" }), {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: () => {},
    });
    try {
      assert.equal(await (await fetch(`http://127.0.0.1:${h1.addr.port}/x`)).text(), "hi /x");
      const res = await fetch(`http://127.0.0.1:${h2.addr.port}/`);
      assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(await res.text(), "static");
    } finally {
      await h1.shutdown();
      await h2.shutdown();
    }
  });
}

Deno.test("API §1: serve() takes workers: 1, and rejects bad options with a TypeError", async () => {
  const handle = await serve(helloApp, {
    hostname: "127.0.0.1",
    port: 0,
    engine: "reference",
    workers: 1,
    onListen: () => {},
  });
  try {
    assert.equal(await (await fetch(`http://127.0.0.1:${handle.addr.port}/w`)).text(), "hello /w ");
  } finally {
    await handle.shutdown();
  }
  await assert.rejects(
    serve(helloApp, { port: 0, engine: "nope" as "deno", onListen: () => {} }),
    TypeError,
  );
  await assert.rejects(serve(helloApp, { port: -1, onListen: () => {} }), TypeError);
  await assert.rejects(serve({} as AppObject, { port: 0, onListen: () => {} }), TypeError);
  // It is a promise: .then() works as well as await.
  const viaThen = await serve(helloApp, { port: 0, onListen: () => {} }).then((h) => h);
  await viaThen.shutdown();
});

Deno.test("API §1: validator(app) also throws on a violation by the server (a bad environ)", async () => {
  const environ = env("/");
  delete (environ as Record<string, unknown>)["wsgi.version"];
  await assert.rejects(() => callApp(validator(helloApp), environ));
  const noMethod = env("/");
  delete (noMethod as Record<string, unknown>).REQUEST_METHOD;
  await assert.rejects(() => callApp(validator(helloApp), noMethod));
});

Deno.test("API §1: environFromRequest fills every PEP 3333 key", () => {
  const environ = environFromRequest(new globalThis.Request("http://example.com/"));
  for (
    const key of [
      "REQUEST_METHOD",
      "SCRIPT_NAME",
      "PATH_INFO",
      "QUERY_STRING",
      "SERVER_NAME",
      "SERVER_PORT",
      "SERVER_PROTOCOL",
      "wsgi.version",
      "wsgi.url_scheme",
      "wsgi.input",
      "wsgi.errors",
      "wsgi.multithread",
      "wsgi.multiprocess",
      "wsgi.run_once",
      "wsgi.input_terminated",
    ]
  ) {
    assert.ok(key in environ, key);
  }
  assert.equal(environ.SERVER_PORT, "80");
  assert.equal(typeof environ["wsgi.multithread"], "boolean");
  assert.equal(typeof environ["wsgi.errors"].write, "function");
});

Deno.test("API §1: server.ts CLI serves MODULE:ATTR and reports a missing attribute in one line, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  const module = `${dir}/site.ts`;
  await Deno.writeTextFile(
    module,
    `export const site = (e, sr) => { sr("200 OK", [["Content-Type", "text/plain"]]); return ["cli " + e.PATH_INFO]; };\n`,
  );
  const serverTs = new URL("../server.ts", import.meta.url).pathname;
  try {
    const bad = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", serverTs, `${module}:nothere`, "--host", "127.0.0.1", "--port", "0"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(bad.code, 1);
    const lines = decoder.decode(bad.stderr).split("\n").filter((l) => l.trim() !== "");
    assert.equal(lines.length, 1, decoder.decode(bad.stderr));

    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", serverTs, `${module}:site`, "--host", "127.0.0.1", "--port", "0"],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let seen = "";
      let port = "";
      while (!port) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
        port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(seen)?.[1] ?? "";
      }
      assert.ok(port, `no listening line in ${seen}`);
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/c`)).text(), "cli /c");
      child.kill("SIGTERM");
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel();
      assert.equal((await child.status).code, 0);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------
// §3 more Werkzeug behaviour the page points at
// ---------------------------------------------------------------------------------------

Deno.test("API §3: an HTTP error's default description and HTML body are Werkzeug's", async () => {
  const e = new NotFound();
  assert.equal(
    e.description,
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.",
  );
  assert.equal(
    e.getBody(),
    "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n",
  );
  const res = e.getResponse() as Response;
  assert.equal(res.headers.get("Content-Type"), "text/html; charset=utf-8");
  assert.equal(await res.getData({ asText: true }), e.getBody());
});

Deno.test("API §3: setCookie maxAge alone is seconds and sets Expires that far ahead", () => {
  const res = new Response("");
  const before = Date.now();
  res.setCookie("s", "1", { maxAge: 3600 });
  const header = res.headers.get("Set-Cookie") ?? "";
  assert.match(header, /^s=1; Expires=[^;]+; Max-Age=3600; Path=\/$/);
  const expires = Date.parse(/Expires=([^;]+)/.exec(header)![1]!);
  assert.ok(Math.abs(expires - (before + 3600_000)) < 5000, header);
});

Deno.test("API §3: Response headers option takes pairs, a record or Headers", () => {
  assert.equal(new Response("", { headers: [["X-P", "1"]] }).headers.get("x-p"), "1");
  assert.equal(new Response("", { headers: { "X-R": "2" } }).headers.get("x-r"), "2");
  assert.equal(new Response("", { headers: new Headers([["X-H", "3"]]) }).headers.get("x-h"), "3");
});

Deno.test("API §3: accept wildcards, missing conditional headers, unsatisfiable ranges", () => {
  const any = new Request(env("/", { headers: { Accept: "*/*" } })).acceptMimetypes;
  assert.equal(any.acceptHtml, true);
  assert.equal(any.acceptJson, true);
  assert.equal(any.best, "*/*");
  assert.equal(any.bestMatch(["application/json", "text/html"]), "application/json");
  const none = new Request(env("/"));
  assert.equal(none.ifNoneMatch.starTag, false);
  assert.equal(none.ifNoneMatch.contains("x"), false);
  const far = new Request(env("/", { headers: { Range: "bytes=2000-" } })).range;
  assert.ok(far);
  assert.equal(far.rangeForLength(1000), null);
  assert.equal(far.toContentRangeHeader(1000), null);
  const multi = new Request(env("/", { headers: { Range: "bytes=0-1,5-6" } })).range;
  assert.ok(multi);
  assert.deepEqual(multi.ranges, [[0, 2], [5, 7]]);
  assert.equal(multi.rangeForLength(1000), null);
});

Deno.test("API §3: MultiDict values(), items(), size", () => {
  const d = new MultiDict([["a", "1"], ["a", "2"], ["b", "3"]]);
  assert.deepEqual([...d.values()], ["1", "3"]);
  assert.deepEqual([...d.items()], [["a", "1"], ["b", "3"]]);
  assert.equal(d.size, 2);
});

Deno.test("API §3: TestResponse json is undefined-ish for a non-JSON answer; head has no body", async () => {
  const client = new Client(helloApp);
  const res = await client.get("/t");
  assert.equal(res.json ?? null, null);
  assert.equal(res.text, "hello /t ");
  // As in Werkzeug, a raw app's HEAD body is passed through; a Response drops it.
  assert.equal((await client.head("/t")).text, "hello /t ");
  const head = await new Client(new Response("body")).head("/t");
  assert.equal(head.data.length, 0);
  assert.equal(head.headers.get("Content-Length"), "4");
});

Deno.test("API §2: hostMatching with Rule host (and host variables)", () => {
  const urlMap = new Map([
    new Rule("/", { endpoint: "root", host: "example.com" }),
    new Rule("/", { endpoint: "api_root", host: "api.example.com" }),
    new Rule("/u/<int:id>", { endpoint: "u", host: "<sub>.example.org" }),
  ], { hostMatching: true });
  assert.deepEqual(urlMap.bind("api.example.com").match("/"), ["api_root", {}]);
  assert.deepEqual(urlMap.bind("example.com").match("/"), ["root", {}]);
  assert.deepEqual(urlMap.bind("x.example.org").match("/u/3"), ["u", { sub: "x", id: 3 }]);
  assert.equal(urlMap.bind("example.com").build("api_root"), "http://api.example.com/");
});

Deno.test("API §2: subdomains — Rule subdomain, Map defaultSubdomain, bind subdomain, bindToEnviron", () => {
  const urlMap = new Map([
    new Rule("/", { endpoint: "www", subdomain: "www" }),
    new Rule("/", { endpoint: "user", subdomain: "<user>" }),
    new Rule("/x", { endpoint: "x" }),
  ], { defaultSubdomain: "www" });
  assert.deepEqual(urlMap.bind("example.com", { subdomain: "alice" }).match("/"), [
    "user",
    { user: "alice" },
  ]);
  assert.deepEqual(urlMap.bind("example.com").match("/"), ["www", {}]);
  assert.deepEqual(urlMap.bind("example.com").match("/x"), ["x", {}]);
  assert.equal(
    urlMap.bind("example.com", { subdomain: "alice" }).build("x"),
    "http://www.example.com/x",
  );
  assert.equal(
    urlMap.bind("example.com").build("user", { user: "bob" }),
    "http://bob.example.com/",
  );
  const environ = env("/", { baseUrl: "http://bob.example.com/" });
  assert.deepEqual(urlMap.bindToEnviron(environ, { serverName: "example.com" }).match(), [
    "user",
    { user: "bob" },
  ]);
});

Deno.test("API §2: defaults, alias, build method choice and redirectTo placeholders", () => {
  const urls = new Map([
    new Rule("/page/", { endpoint: "page", defaults: { n: 1 } }),
    new Rule("/page/<int:n>", { endpoint: "page" }),
    new Rule("/a", { endpoint: "e", alias: true }),
    new Rule("/b", { endpoint: "e" }),
    new Rule("/g", { endpoint: "m", methods: ["GET"] }),
    new Rule("/p", { endpoint: "m", methods: ["POST"] }),
    new Rule("/old/<int:id>", { endpoint: "old", redirectTo: "/new/<id>" }),
    new Rule("/new/<int:id>", { endpoint: "new" }),
  ]).bind("example.com");
  assert.throws(() => urls.match("/page/1"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.newUrl, "http://example.com/page/");
    return true;
  });
  assert.deepEqual(urls.match("/page/"), ["page", { n: 1 }]);
  assert.equal(urls.build("page", { n: 1 }), "/page/");
  assert.equal(urls.build("page", { n: 2 }), "/page/2");
  assert.throws(() => urls.match("/a"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.newUrl, "http://example.com/b");
    return true;
  });
  assert.equal(urls.build("e"), "/b");
  assert.equal(urls.build("m", {}, { method: "POST" }), "/p");
  assert.equal(urls.build("m"), "/g");
  assert.throws(() => urls.match("/old/5"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.newUrl, "http://example.com/new/5");
    return true;
  });
});

Deno.test("API §2: strictSlashes/mergeSlashes off (Map and Rule), HEAD with GET, lowercase methods", () => {
  const urls = new Map([
    new Rule("/about/", { endpoint: "a", strictSlashes: false }),
    new Rule("/x//y", { endpoint: "xy", mergeSlashes: false }),
    new Rule("/g", { endpoint: "g", methods: ["get"] }),
  ]).bind("example.com");
  assert.deepEqual(urls.match("/about"), ["a", {}]);
  assert.deepEqual(urls.match("/about/"), ["a", {}]);
  assert.deepEqual(urls.match("/x//y"), ["xy", {}]);
  assert.deepEqual(urls.match("/g", "HEAD"), ["g", {}]);
  assert.throws(() => urls.match("/g", "POST"), (e: unknown) => {
    assert.ok(e instanceof MethodNotAllowed);
    assert.deepEqual([...e.validMethods].sort(), ["GET", "HEAD"]);
    return true;
  });
  const loose = new Map([new Rule("/about/", { endpoint: "a" })], { strictSlashes: false });
  assert.deepEqual(loose.bind("e.com").match("/about"), ["a", {}]);
  const unmerged = new Map([new Rule("/a/b", { endpoint: "a" })], { mergeSlashes: false });
  assert.throws(() => unmerged.bind("e.com").match("/a//b"), NotFound);
});

Deno.test("API §3: MultiDict iteration groups pairs by key as Werkzeug; getlist with a type drops failures", () => {
  const d = new MultiDict([["a", "1"], ["b", "2"], ["a", "3"]]);
  assert.deepEqual([...d], [["a", "1"], ["a", "3"], ["b", "2"]]);
  assert.deepEqual(new MultiDict([["a", "x"], ["a", "2"]]).getlist("a", { type: Number }), [2]);
  assert.equal(new MultiDict([["n", "abc"]]).get("n", { type: Number, default: 0 }), 0);
});

Deno.test("API §1: wsgi.input is an InputStream: read(size?), readline(size?), async iteration", async () => {
  const environ = env("/", { method: "POST", data: "line one\nline two\nrest" });
  const input: InputStream = environ["wsgi.input"];
  assert.equal(decoder.decode(await input.readline()), "line one\n");
  assert.equal(decoder.decode(await input.readline(4)), "line");
  assert.equal(decoder.decode(await input.read(5)), " two\n");
  assert.equal(decoder.decode(await input.read()), "rest");
  assert.equal((await input.read()).length, 0);
  const again = env("/", { method: "POST", data: "abc" })["wsgi.input"];
  const parts: string[] = [];
  for await (const chunk of again) parts.push(decoder.decode(chunk));
  assert.equal(parts.join(""), "abc");
});

Deno.test("API §1: the gateway types compose as the page writes them", async () => {
  const errors: ErrorStream = env("/")["wsgi.errors"];
  assert.equal(typeof errors.write, "function");
  let closed = false;
  const app: WsgiApp = (environ: Environ, startResponse: StartResponse): Body => {
    const write: (data: Uint8Array) => void = startResponse("200 OK", [[
      "Content-Type",
      "text/plain",
    ]]);
    write(encoder.encode(""));
    const body: Body = Object.assign(
      (async function* () {
        yield environ.REQUEST_METHOD;
        yield encoder.encode("!");
      })(),
      {
        close(): void {
          closed = true;
        },
      },
    );
    return body;
  };
  const obj: AppObject = { wsgiApp: app };
  const res = await new Client(obj).get("/");
  assert.equal(res.text, "GET!");
  assert.equal(closed, true);
});

Deno.test("API §3: EnvironBuilder/Client — a Host header replaces the default host (Werkzeug)", async () => {
  const environ = env("/x", { headers: { Host: "other.org:81" } });
  assert.equal(environ.HTTP_HOST, "other.org:81");
  const request = new Request(environ);
  assert.equal(request.host, "other.org:81");
  assert.equal(request.url, "http://other.org:81/x");
  const res = await new Client(echoApp).get("/h", { headers: { Host: "api.example.com" } });
  assert.equal((res.json as { host: string }).host, "api.example.com");
});

Deno.test("API §3: EnvironBuilder puts a non-ASCII query in the environ as latin-1 bytes (Werkzeug)", () => {
  const environ = env("/x", { query: "x=1 2&y=\u00e9" });
  assert.equal(environ.QUERY_STRING, "x=1 2&y=\u00c3\u00a9");
  const request = new Request(environ);
  assert.deepEqual(request.args.toDict(), { x: "1 2", y: "\u00e9" });
  assert.equal(request.fullPath, "/x?x=1 2&y=\u00e9");
  assert.equal(request.url, "http://localhost/x?x=1%202&y=\u00e9");
  const inPath = new Request(env("/x?y=\u00e9"));
  assert.equal(inPath.args.get("y"), "\u00e9");
  const copy = EnvironBuilder.fromEnviron(environ).getEnviron();
  assert.equal(copy.QUERY_STRING, "x=1 2&y=\u00c3\u00a9");
});

Deno.test("API §1: toFetchHandler and WSGIServer look wsgiApp up per request too", async () => {
  const mw = (inner: WsgiApp): WsgiApp => (environ, sr) =>
    inner(environ, (status, headers, exc) => sr(status, [...headers, ["X-MW", "on"]], exc));
  const obj: { wsgiApp: WsgiApp } = { wsgiApp: helloApp };
  const handler = toFetchHandler(obj);
  assert.equal(
    (await handler(new globalThis.Request("http://localhost/"))).headers.get("x-mw"),
    null,
  );
  obj.wsgiApp = mw(obj.wsgiApp);
  assert.equal(
    (await handler(new globalThis.Request("http://localhost/"))).headers.get("x-mw"),
    "on",
  );

  const obj2: { wsgiApp: WsgiApp } = { wsgiApp: helloApp };
  const httpd = makeServer({ hostname: "127.0.0.1", port: 0 }, obj2);
  const done = httpd.serveForever();
  try {
    const base = `http://127.0.0.1:${httpd.serverPort}`;
    const first = await fetch(`${base}/`);
    await first.body?.cancel();
    assert.equal(first.headers.get("x-mw"), null);
    obj2.wsgiApp = mw(obj2.wsgiApp);
    const second = await fetch(`${base}/`);
    await second.body?.cancel();
    assert.equal(second.headers.get("x-mw"), "on");
  } finally {
    await httpd.shutdown();
  }
  await done;
});

Deno.test("API §1: toFetchHandler answers 500 when the app fails before its headers", async () => {
  const handler = toFetchHandler(() => {
    throw new Error("broken");
  });
  const res = await handler(new globalThis.Request("http://localhost/"));
  assert.equal(res.status, 500);
  await res.body?.cancel();
  const silent = toFetchHandler(() => ["never started"]);
  const res2 = await silent(new globalThis.Request("http://localhost/"));
  assert.equal(res2.status, 500);
  await res2.body?.cancel();
});

Deno.test("API §2: RequestRedirect.getResponse() is a 308 with Location newUrl", async () => {
  const urls = new Map([new Rule("/d/", { endpoint: "d" })]).bind("example.com");
  let redirect: RequestRedirect | undefined;
  try {
    urls.match("/d");
  } catch (e) {
    if (e instanceof RequestRedirect) redirect = e;
  }
  assert.ok(redirect);
  const res = redirect.getResponse() as Response;
  assert.equal(res.statusCode, 308);
  assert.equal(res.headers.get("Location"), "http://example.com/d/");
  const out = await new Client(redirect).get("/");
  assert.equal(out.statusCode, 308);
  assert.equal(out.headers.get("Location"), "http://example.com/d/");
});

Deno.test("API §3: Response.forceType takes a fetch Response too", async () => {
  const forced = await Response.forceType(
    new globalThis.Response("fetched", { status: 201, headers: { "X-F": "1" } }),
    env("/"),
  );
  assert.ok(forced instanceof Response);
  assert.equal(forced.statusCode, 201);
  assert.equal(forced.headers.get("X-F"), "1");
  assert.equal(await forced.getData({ asText: true }), "fetched");
});

Deno.test("API §1: validator(app) catches a bare string body, a second startResponse and bad chunks", async () => {
  const ct: [string, string][] = [["Content-Type", "text/plain"]];
  const bare: WsgiApp = (_e, sr) => {
    sr("200 OK", ct);
    return "hello" as unknown as string[];
  };
  await assert.rejects(() => callApp(validator(bare), env("/")));
  const twice: WsgiApp = (_e, sr) => {
    sr("200 OK", ct);
    sr("500 Internal Server Error", ct);
    return ["x"];
  };
  await assert.rejects(() => callApp(validator(twice), env("/")));
  const badChunk: WsgiApp = (_e, sr) => {
    sr("200 OK", ct);
    return [42 as unknown as string];
  };
  await assert.rejects(() => callApp(validator(badChunk), env("/")));
  const fine: WsgiApp = (_e, sr) => {
    sr("200 OK", ct);
    return ["x"];
  };
  assert.equal((await callApp(validator(fine), env("/"))).body, "x");
});

Deno.test("API §1: toFetchHandler(app) plugs straight into Deno.serve", async () => {
  const app: WsgiApp = (environ, sr) => {
    sr("200 OK", [["Content-Type", "text/plain"]]);
    return [`${environ.REMOTE_ADDR} ${environ.PATH_INFO} ${environ.HTTP_HOST}`];
  };
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    toFetchHandler(app),
  );
  try {
    const res = await fetch(`http://127.0.0.1:${server.addr.port}/deno`);
    assert.equal(await res.text(), `127.0.0.1 /deno 127.0.0.1:${server.addr.port}`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("API §3: Client uploads File/Blob values through files and data", async () => {
  const client = new Client(echoApp);
  const viaFiles = await client.post("/u", {
    files: { file: new File(["hello"], "a.txt", { type: "text/plain" }) },
  });
  assert.deepEqual((viaFiles.json as { files: unknown }).files, [["file", "a.txt"]]);
  const viaData = await client.post("/u", { data: { field: "v", file: new File(["x"], "b.bin") } });
  assert.deepEqual((viaData.json as { form: unknown }).form, { field: "v" });
  assert.deepEqual((viaData.json as { files: unknown }).files, [["file", "b.bin"]]);
});

Deno.test("API §2: converter arguments as Werkzeug writes them; redirectTo as a function keeps the query", () => {
  const urls = new Map([
    new Rule('/<any(about, "help me"):page>', { endpoint: "p" }),
    new Rule("/n/<int(min=1, max=99):n>", { endpoint: "n" }),
    new Rule("/f/<int:id>", {
      endpoint: "f",
      redirectTo: (_adapter: MapAdapter, values: Record<string, unknown>) =>
        `/g/${(values.id as number) * 2}`,
    }),
    new Rule("/g/<int:id>", { endpoint: "g" }),
  ]).bind("e.com");
  assert.deepEqual(urls.match("/help me"), ["p", { page: "help me" }]);
  assert.deepEqual(urls.match("/about"), ["p", { page: "about" }]);
  assert.deepEqual(urls.match("/n/99"), ["n", { n: 99 }]);
  assert.throws(() => urls.match("/n/100"), NotFound);
  assert.throws(() => urls.match("/f/4", undefined, { queryArgs: "x=1" }), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect);
    assert.equal(e.newUrl, "http://e.com/g/8");
    return true;
  });
});

Deno.test("API §3: getJson on a non-JSON body is 415; values, isSecure, mimetypeParams", async () => {
  const notJson = new Request(env("/", { method: "POST", data: "{}", contentType: "text/plain" }));
  await assert.rejects(() => notJson.getJson(), (e: unknown) => {
    assert.ok(e instanceof UnsupportedMediaType);
    assert.equal(e.code, 415);
    return true;
  });
  const r = new Request(
    env("/?a=1", { method: "POST", form: { b: "2" }, baseUrl: "https://x.com" }),
  );
  assert.deepEqual((await r.values).toDict(), { a: "1", b: "2" });
  assert.equal(r.isSecure, true);
  const typed = new Request(env("/", { contentType: "text/plain; charset=latin1; x=y" }));
  assert.deepEqual({ ...typed.mimetypeParams }, { charset: "latin1", x: "y" });
});

Deno.test("API §3: a Response body may be an iterable, an async iterable or a ReadableStream", async () => {
  const fromIterable = new Response(["a", encoder.encode("b")]);
  assert.equal(await fromIterable.getData({ asText: true }), "ab");
  const fromAsync = new Response((async function* () {
    yield "c";
    yield "d";
  })());
  assert.equal((await new Client(fromAsync).get("/")).text, "cd");
  const fromStream = new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode("e"));
        controller.enqueue(encoder.encode("f"));
        controller.close();
      },
    }),
  );
  assert.equal((await new Client(fromStream).get("/")).text, "ef");
});

for (const engine of ENGINES) {
  Deno.test(`API §1: [${engine}] the server's environ and calls pass validator()`, async () => {
    const inner: WsgiApp = async (environ, sr) => {
      const input = environ["wsgi.input"];
      const first = await input.readline();
      const rest = await input.read();
      sr("200 OK", [["Content-Type", "text/plain"]]);
      return [
        `${environ.REQUEST_METHOD} ${environ.PATH_INFO}?${environ.QUERY_STRING} `,
        first,
        rest,
      ];
    };
    const handle = await serve(validator(inner), {
      hostname: "127.0.0.1",
      port: 0,
      engine,
      onListen: () => {},
    });
    try {
      const base = `http://127.0.0.1:${handle.addr.port}`;
      const get = await fetch(`${base}/a/b?x=1`);
      assert.equal(get.status, 200);
      assert.equal(await get.text(), "GET /a/b?x=1 ");
      const post = await fetch(`${base}/p`, { method: "POST", body: "one\ntwo\nthree" });
      assert.equal(post.status, 200);
      assert.equal(await post.text(), "POST /p? one\ntwo\nthree");
      const streamed = await fetch(`${base}/s`, {
        method: "PUT",
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode("chunk\n"));
            controller.enqueue(encoder.encode("ed"));
            controller.close();
          },
        }),
      });
      assert.equal(streamed.status, 200);
      assert.equal(await streamed.text(), "PUT /s? chunk\ned");
      const head = await fetch(`${base}/h`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    } finally {
      await handle.shutdown();
    }
  });
}

for (const engine of ENGINES) {
  Deno.test(`API §1: [${engine}] close() is called when the client abandons a streamed body`, async () => {
    let closed = 0;
    const handle = await serve((_e, sr) => {
      sr("200 OK", [["Content-Type", "text/plain"]]);
      return Object.assign(
        (async function* () {
          for (let i = 0; i < 1000; i++) {
            yield "x".repeat(1000);
            await new Promise((r) => setTimeout(r, 5));
          }
        })(),
        {
          close() {
            closed++;
          },
        },
      );
    }, { hostname: "127.0.0.1", port: 0, engine, onListen: () => {} });
    try {
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${handle.addr.port}/`, {
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.closed.catch(() => {});
      await eventually(() => closed === 1);
    } finally {
      await handle.shutdown();
    }
  });
}

Deno.test("API §2: a custom converter whose constructor takes (map: Map, ...args) registers on the Map", () => {
  class YesNoConverter extends BaseConverter {
    override regex = "(?:yes|no)";
    constructor(map: Map, ..._args: unknown[]) {
      super(map);
    }
    override toValue(value: string): unknown {
      return value === "yes";
    }
    override toUrl(value: unknown): string {
      return value ? "yes" : "no";
    }
  }
  const urlMap = new Map([new Rule("/opt/<yesno:on>", { endpoint: "opt" })], {
    converters: { yesno: YesNoConverter },
  });
  const urls = urlMap.bind("example.com");
  assert.deepEqual(urls.match("/opt/yes"), ["opt", { on: true }]);
  assert.equal(urls.build("opt", { on: false }), "/opt/no");
});

// ---------------------------------------------------------------------------------------
// §3 Middleware (sub-path ./middleware and mod.ts)
// ---------------------------------------------------------------------------------------

Deno.test("API §3: DispatcherMiddleware, ProxyFix and SharedDataMiddleware from ./middleware and mod.ts", async () => {
  const sub = await import("../framework/middleware/mod.ts");
  const face = await import("../mod.ts");
  for (const name of ["DispatcherMiddleware", "ProxyFix", "SharedDataMiddleware"] as const) {
    assert.equal(typeof sub[name], "function", `${name} in ./middleware`);
    assert.equal(sub[name], face[name], `${name} is the same class in mod.ts`);
  }
  // deno.json maps the sub-path to that module.
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(config.exports["./middleware"], "./framework/middleware/mod.ts");

  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/hello.txt`, "static hello");
    const site: WsgiApp = (environ, startResponse) => {
      startResponse("200 OK", [["Content-Type", "text/plain"]]);
      return [
        `${
          environ["wsgi.url_scheme"]
        } ${environ.REMOTE_ADDR} ${environ.SCRIPT_NAME}|${environ.PATH_INFO}`,
      ];
    };
    // Flask's deployment idiom, on an app object: wrap its wsgiApp in place.
    const app = { wsgiApp: site };
    app.wsgiApp = new sub.ProxyFix(app.wsgiApp, { xFor: 1, xProto: 1 });
    const served = new sub.SharedDataMiddleware(
      new sub.DispatcherMiddleware(site, { "/behind": app }),
      { "/static": dir },
    );
    const client = new Client(served);
    assert.equal((await client.get("/static/hello.txt")).text, "static hello");
    assert.equal((await client.get("/plain/x")).text, "http undefined |/plain/x");
    const proxied = await client.get("/behind/x", {
      headers: { "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https" },
    });
    assert.equal(proxied.text, "https 203.0.113.9 /behind|/x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ---------------------------------------------------------------------------------------
// §3 The application (Flask)
// ---------------------------------------------------------------------------------------

Deno.test("API §3: the Application example, through wsgiApp(environ, startResponse)", async () => {
  const face = await import("../mod.ts");
  const { Application } = face;
  class MyError extends Error {}
  const listItems = () => ["a", "b"];
  const createItem = () => ["created", 201];
  const about = () => "about";
  const calls: string[] = [];
  const app = new Application(import.meta.url);
  app.route("/", () => "Hello World"); // GET, HEAD, OPTIONS
  app.route("/user/<int:id>", ({ id }) => ({ id }), { methods: ["GET", "POST"] });
  app.get("/items", listItems);
  app.post("/items", createItem);
  app.put("/items", createItem, { endpoint: "putItem" });
  app.patch("/items", createItem, { endpoint: "patchItem" });
  app.delete("/items", createItem, { endpoint: "deleteItem" });
  app.addUrlRule("/about", { endpoint: "about", view: about });
  app.route("/mine", () => {
    throw new MyError("mine");
  });
  app.beforeRequest(() => void calls.push("before"));
  app.afterRequest((response) => (calls.push("after"), response));
  app.teardownRequest((error) => void calls.push(`teardown ${error}`));
  app.beforeFirstRequest(() => void calls.push("first"));
  app.errorHandler(404, () => ["no such page", 404]);
  app.errorHandler(MyError, (e) => [`handled ${e.message}`, 400]);

  const run = (path: string, method = "GET") => callApp(app.wsgiApp, env(path, { method }));
  assert.deepEqual(await run("/"), {
    status: "200 OK",
    headers: [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", "11"]],
    body: "Hello World",
  });
  assert.equal((await run("/user/42")).body, '{"id":42}\n');
  assert.equal((await run("/items")).body, '["a","b"]\n');
  assert.equal((await run("/items", "POST")).status, "201 CREATED");
  assert.equal((await run("/items", "DELETE")).status, "201 CREATED");
  assert.equal((await run("/about")).body, "about");
  assert.deepEqual(
    [(await run("/missing")).status, (await run("/missing")).body],
    ["404 NOT FOUND", "no such page"],
  );
  assert.equal((await run("/mine")).body, "handled mine");
  assert.equal((await run("/", "OPTIONS")).status, "200 OK");
  assert.deepEqual(calls.slice(0, 5), ["first", "before", "after", "teardown null", "before"]);
  // Flask's pipeline, by its names.
  for (
    const name of [
      "wsgiApp",
      "requestContext",
      "fullDispatchRequest",
      "tryTriggerBeforeFirstRequestFunctions",
      "preprocessRequest",
      "dispatchRequest",
      "makeResponse",
      "processResponse",
      "handleUserException",
      "handleException",
      "appContext",
      "testRequestContext",
      "testClient",
    ] as const
  ) {
    assert.equal(typeof app[name], "function", name);
  }
  for (const name of ["requestStarted", "requestFinished"] as const) {
    assert.equal(typeof face[name].send, "function");
  }
});

Deno.test("API §3: what a view may return", async () => {
  const { Application } = await import("../mod.ts");
  const app = new Application(import.meta.url);
  const hello: WsgiApp = (_e, sr) => (sr("200 OK", [["Content-Type", "text/plain"]]), ["wsgi"]);
  const views: [string, () => unknown, number, string, string][] = [
    ["/string", () => "text", 200, "text/html; charset=utf-8", "text"],
    ["/bytes", () => encoder.encode("raw"), 200, "text/html; charset=utf-8", "raw"],
    ["/object", () => ({ a: 1 }), 200, "application/json", '{"a":1}\n'],
    ["/array", () => [1, 2, 3], 200, "application/json", "[1,2,3]\n"],
    [
      "/phial",
      () => new Response("phial", { status: 202 }),
      202,
      "text/html; charset=utf-8",
      "phial",
    ],
    [
      "/fetch",
      () => new globalThis.Response("fetched", { status: 203 }),
      203,
      "text/plain;charset=UTF-8",
      "fetched",
    ],
    ["/wsgi", () => hello, 200, "text/plain", "wsgi"],
    ["/iterable", () => ["a", "b"][Symbol.iterator](), 200, "text/html; charset=utf-8", "ab"],
    [
      "/async",
      () =>
        (async function* () {
          yield "x";
          yield "y";
        })(),
      200,
      "text/html; charset=utf-8",
      "xy",
    ],
    [
      "/stream",
      () =>
        new ReadableStream({
          start(c) {
            c.enqueue(encoder.encode("s"));
            c.close();
          },
        }),
      200,
      "text/html; charset=utf-8",
      "s",
    ],
    ["/status", () => ["made", 201], 201, "text/html; charset=utf-8", "made"],
    ["/headers", () => ["h", { "X-A": "1" }], 200, "text/html; charset=utf-8", "h"],
    ["/both", () => ["b", "202 Accepted", [["X-B", "2"]]], 202, "text/html; charset=utf-8", "b"],
  ];
  for (const [path, view] of views) app.route(path, view, { endpoint: path });
  const client = app.testClient();
  for (const [path, , status, type, body] of views) {
    const response = await client.get(path);
    assert.equal(response.statusCode, status, path);
    assert.equal(response.headers.get("Content-Type"), type, path);
    assert.equal(response.text, body, path);
  }
  assert.equal((await client.get("/headers")).headers.get("X-A"), "1");
  assert.equal((await client.get("/both")).headers.get("X-B"), "2");
  app.route("/nothing", function nothing() {
    return undefined;
  });
  app.testing = true;
  await assert.rejects(client.get("/nothing"), /'nothing' did not return a valid response/);
});

Deno.test("API §3: context locals, g, currentApp, session, and the context helpers", async () => {
  const face = await import("../mod.ts");
  const { Application, currentApp, g, hasAppContext, hasRequestContext, request, session } = face;
  const app = new Application(import.meta.url);
  app.secretKey = "s3cret";
  app.route("/", async () => {
    g.user = "ann";
    await new Promise((resolve) => setTimeout(resolve, 1));
    session.set("seen", true);
    return `${request.method} ${request.path} ${g.user} ${currentApp.name} ${hasRequestContext()}`;
  });
  const response = await app.testClient().get("/");
  assert.equal(response.text, "GET / ann api_contract_test true");
  assert.match(response.headers.get("Set-Cookie")!, /^session=/);
  assert.equal(hasAppContext(), false);
  assert.equal(await app.appContext().run(() => hasAppContext() && !hasRequestContext()), true);
  assert.equal(
    await app.testRequestContext("/x", { query: { q: "1" } }).run(() => request.args.get("q")),
    "1",
  );
  // The session object's API.
  await app.testRequestContext("/").run(() => {
    session.set("a", 1);
    assert.equal(session.get("a"), 1);
    assert.equal(session.has("a"), true);
    session.delete("a");
    assert.equal(session.has("a"), false);
    session.clear();
    assert.equal(session.modified, true);
    session.permanent = true;
    assert.equal(session.permanent, true);
  });
});

Deno.test("API §3: the helpers urlFor, redirect, jsonify, makeResponse and abort", async () => {
  const { Application, urlFor, redirect, jsonify, makeResponse, abort } = await import("../mod.ts");
  const app = new Application(import.meta.url);
  app.route("/user/<int:id>", function user() {
    return "u";
  });
  app.route("/to", () => redirect(urlFor("user", { id: 7, _anchor: "top" }), 301));
  app.route("/j", () => jsonify({ ok: true }));
  app.route("/m", () => makeResponse("m", 418));
  app.route("/a", () => abort(403));
  const client = app.testClient();
  const to = await client.get("/to");
  assert.equal(to.statusCode, 301);
  assert.equal(to.headers.get("Location"), "/user/7#top");
  assert.deepEqual((await client.get("/j")).json, { ok: true });
  assert.equal((await client.get("/m")).statusCode, 418);
  assert.equal((await client.get("/a")).statusCode, 403);
  const external = await app.testRequestContext("/").run(() =>
    urlFor("user", { id: 1, _external: true, _scheme: "https", _method: "GET" })
  );
  assert.equal(external, "https://localhost/user/1");
});

Deno.test("API §3: app.config is a Config with Flask's keys; signals connect, disconnect, send", async () => {
  const face = await import("../mod.ts");
  const app = new face.Application(import.meta.url);
  assert.ok(app.config instanceof face.Config);
  for (
    const key of [
      "DEBUG",
      "TESTING",
      "SECRET_KEY",
      "MAX_CONTENT_LENGTH",
      "SESSION_COOKIE_NAME",
      "SERVER_NAME",
      "APPLICATION_ROOT",
      "PREFERRED_URL_SCHEME",
      "PROPAGATE_EXCEPTIONS",
    ]
  ) {
    assert.ok(key in app.config, key);
  }
  app.config.fromMapping({ DEBUG: true, lower: 1 });
  assert.equal(app.debug, true);
  assert.equal("lower" in app.config, false);
  for (
    const name of [
      "requestStarted",
      "requestFinished",
      "gotRequestException",
      "requestTearingDown",
      "appcontextPushed",
      "appcontextPopped",
      "appcontextTearingDown",
      "messageFlashed",
    ] as const
  ) {
    const signal = face[name] as unknown as InstanceType<typeof face.Signal>;
    const seen: unknown[] = [];
    const receiver = (sender: unknown) => void seen.push(sender);
    signal.connect(receiver);
    signal.send("me", {});
    signal.disconnect(receiver);
    signal.send("again", {});
    assert.deepEqual(seen, ["me"], name);
  }
});

Deno.test("API §3: Blueprint(name, importName, { urlPrefix, subdomain, urlDefaults }), nested, with bp.view endpoints", async () => {
  const { Application, Blueprint, urlFor } = await import("../mod.ts");
  const app = new Application(import.meta.url);
  const api = new Blueprint("api", import.meta.url, { urlPrefix: "/api" });
  const v1 = new Blueprint("v1", import.meta.url, {
    urlPrefix: "/v1",
    urlDefaults: { format: "json" },
  });
  v1.route("/items/<int:id>", function item({ id, format }: { id: number; format?: string }) {
    return `${id} ${format} ${urlFor(".item", { id: id + 1 })}`;
  });
  v1.beforeRequest(() => undefined);
  v1.errorHandler(404, () => ["v1 says no", 404]);
  api.registerBlueprint(v1);
  app.registerBlueprint(api);
  const response = await app.testClient().get("/api/v1/items/4");
  assert.equal(response.text, "4 json /api/v1/items/5");
  assert.ok("api.v1.item" in app.viewFunctions);
  assert.ok("api" in app.blueprints && "api.v1" in app.blueprints);
});

Deno.test("API §3: flash and getFlashedMessages, sendFile and sendFromDirectory, streamWithContext", async () => {
  const {
    Application,
    flash,
    getFlashedMessages,
    request,
    sendFile,
    sendFromDirectory,
    streamWithContext,
  } = await import("../mod.ts");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "file body");
    const app = new Application(import.meta.url);
    app.secretKey = "s";
    app.route("/flash", function flashIt() {
      flash("saved", "info");
      return "ok";
    });
    app.route("/read", () => JSON.stringify(getFlashedMessages({ withCategories: true })));
    app.route("/file", () =>
      sendFile(`${dir}/notes.txt`, {
        mimetype: "text/plain",
        asAttachment: true,
        downloadName: "n.txt",
        conditional: true,
        etag: true,
        maxAge: 60,
      }));
    app.route("/dir/<path:name>", ({ name }) => sendFromDirectory(dir, name));
    app.route("/stream", () =>
      streamWithContext((async function* () {
        await new Promise((resolve) => setTimeout(resolve, 1));
        yield `path ${request.path}`;
      })()));
    const client = app.testClient();
    await client.get("/flash");
    assert.equal((await client.get("/read")).text, '[["info","saved"]]');
    assert.equal((await client.get("/read")).text, "[]");
    const file = await client.get("/file");
    assert.equal(file.text, "file body");
    assert.match(file.headers.get("Content-Disposition")!, /attachment; filename=n\.txt/);
    assert.equal((await client.get("/dir/notes.txt")).text, "file body");
    assert.equal((await client.get("/dir/../secret")).statusCode, 404);
    assert.equal((await client.get("/stream")).text, "path /stream");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("API §3: app.testClient() sends json, form, data and files, and keeps cookies", async () => {
  const { Application, request, session } = await import("../mod.ts");
  const app = new Application(import.meta.url);
  app.secretKey = "s";
  app.post("/echo", async () => {
    const form = await request.form;
    const files = await request.files;
    return {
      json: await request.getJson({ silent: true }),
      form: form.get("a") ?? null,
      file: files.get("f")?.filename ?? null,
      data: request.mimetype === "text/plain"
        ? new TextDecoder().decode(await request.getData())
        : null,
    };
  });
  app.route("/count", () => {
    const n = ((session.get("n") as number | undefined) ?? 0) + 1;
    session.set("n", n);
    return String(n);
  });
  const client = app.testClient();
  assert.deepEqual((await client.post("/echo", { json: { x: 1 } })).json, {
    json: { x: 1 },
    form: null,
    file: null,
    data: null,
  });
  type Echo = { form: string | null; file: string | null; data: string | null };
  assert.equal(((await client.post("/echo", { form: { a: "b" } })).json as Echo).form, "b");
  const upload = await client.post("/echo", {
    files: { f: { data: encoder.encode("x"), filename: "x.txt" } },
  } as never);
  assert.equal((upload.json as Echo).file, "x.txt");
  assert.equal(
    ((await client.post("/echo", { data: "plain", contentType: "text/plain" })).json as Echo).data,
    "plain",
  );
  assert.equal((await client.get("/count")).text, "1");
  assert.equal((await client.get("/count")).text, "2");
  const result = await client.get("/count");
  for (const key of ["statusCode", "status", "headers", "data", "text", "json"] as const) {
    assert.ok(key in result, key);
  }
});
