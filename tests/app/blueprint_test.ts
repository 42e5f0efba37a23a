// Blueprints. Statuses, bodies, endpoints, URLs, hook orders and error messages were recorded
// by running the same apps through Flask 3.1's test client (Flask's ValueError and
// AssertionError are TypeErrors here, and `name=` reads "the name option").
import assert from "node:assert/strict";
import { Application } from "../../framework/app/application.ts";
import {
  Blueprint,
  type BlueprintSetupState,
  requestBlueprint,
  requestBlueprints,
} from "../../framework/app/blueprint.ts";
import { g, request } from "../../framework/app/globals.ts";
import { urlFor } from "../../framework/app/helpers.ts";
import { abort, NotFound } from "../../framework/http/exceptions.ts";

Deno.test("Blueprint prefixes its rules and endpoints with its URL prefix and name", async () => {
  const app = new Application(import.meta.url);
  const admin = new Blueprint("admin", import.meta.url, { urlPrefix: "/admin" });
  admin.route("/", function index() {
    return "admin index";
  });
  admin.route("/users/<int:id>", function user({ id }) {
    return `user ${id}`;
  });
  admin.route("", function bare() {
    return "bare";
  });
  app.registerBlueprint(admin);
  const plain = new Blueprint("plain", import.meta.url);
  plain.route("/p", function p() {
    return "p " + urlFor(".p");
  });
  app.registerBlueprint(plain, { urlPrefix: "/over/" });

  const client = app.testClient();
  for (
    const [path, text] of [
      ["/admin/", "admin index"],
      ["/admin", "bare"],
      ["/admin/users/3", "user 3"],
      ["/over/p", "p /over/p"],
    ]
  ) {
    const response = await client.get(path!);
    assert.equal(response.status, "200 OK", path);
    assert.equal(response.text, text, path);
  }
  assert.deepEqual(
    [...app.urlMap.iterRules()].map((r) => [r.rule, r.endpoint]).sort(),
    [
      ["/admin", "admin.bare"],
      ["/admin/", "admin.index"],
      ["/admin/users/<int:id>", "admin.user"],
      ["/over/p", "plain.p"],
    ],
  );
  assert.deepEqual(Object.keys(app.blueprints), ["admin", "plain"]);
  assert.deepEqual(app.iterBlueprints(), [admin, plain]);
  const urls = await app.testRequestContext().run(() => [
    urlFor("admin.index"),
    urlFor("admin.user", { id: 5 }),
    urlFor("admin.bare"),
    urlFor("plain.p"),
  ]);
  assert.deepEqual(urls, ["/admin/", "/admin/users/5", "/admin", "/over/p"]);
});

function nestedApp(): Application {
  const app = new Application(import.meta.url);
  const parent = new Blueprint("parent", import.meta.url, { urlPrefix: "/parent/" });
  const child = new Blueprint("child", import.meta.url, { urlPrefix: "/child" });
  const grand = new Blueprint("grand", import.meta.url);
  grand.route("/g", function gview() {
    return JSON.stringify([
      request.endpoint,
      requestBlueprint(request),
      requestBlueprints(request),
      urlFor(".gview"),
      urlFor("parent.pview"),
    ]);
  });
  child.route("/", function cview() {
    return JSON.stringify([
      request.endpoint,
      requestBlueprint(request),
      requestBlueprints(request),
      urlFor(".cview"),
    ]);
  });
  parent.route("/", function pview() {
    return "p";
  });
  child.registerBlueprint(grand, { urlPrefix: "/grand/" });
  parent.registerBlueprint(child);
  parent.registerBlueprint(child, { name: "alt", urlPrefix: "/alt" });
  app.registerBlueprint(parent);
  return app;
}

Deno.test("Blueprint nests: dotted endpoints, joined prefixes, request blueprints", async () => {
  const app = nestedApp();
  const client = app.testClient();
  const expected: [string, unknown[]][] = [
    ["/parent/child/grand/g", [
      "parent.child.grand.gview",
      "parent.child.grand",
      ["parent.child.grand", "parent.child", "parent"],
      "/parent/child/grand/g",
      "/parent/",
    ]],
    ["/parent/child/", [
      "parent.child.cview",
      "parent.child",
      ["parent.child", "parent"],
      "/parent/child/",
    ]],
    ["/parent/alt/grand/g", [
      "parent.alt.grand.gview",
      "parent.alt.grand",
      ["parent.alt.grand", "parent.alt", "parent"],
      "/parent/alt/grand/g",
      "/parent/",
    ]],
    ["/parent/alt/", ["parent.alt.cview", "parent.alt", ["parent.alt", "parent"], "/parent/alt/"]],
  ];
  for (const [path, body] of expected) {
    const response = await client.get(path);
    assert.equal(response.statusCode, 200, path);
    assert.deepEqual(JSON.parse(response.text), body, path);
  }
  assert.deepEqual(
    [...app.urlMap.iterRules()].map((r) => [r.rule, r.endpoint]).sort(),
    [
      ["/parent/", "parent.pview"],
      ["/parent/alt/", "parent.alt.cview"],
      ["/parent/alt/grand/g", "parent.alt.grand.gview"],
      ["/parent/child/", "parent.child.cview"],
      ["/parent/child/grand/g", "parent.child.grand.gview"],
    ],
  );
  assert.deepEqual(Object.keys(app.blueprints), [
    "parent",
    "parent.child",
    "parent.child.grand",
    "parent.alt",
    "parent.alt.grand",
  ]);
});

Deno.test("requestBlueprint and requestBlueprints read the endpoint as Flask's Request does", () => {
  assert.equal(requestBlueprint({ endpoint: null }), null);
  assert.equal(requestBlueprint({ endpoint: "index" }), null);
  assert.equal(requestBlueprint({ endpoint: "a.b.view" }), "a.b");
  assert.deepEqual(requestBlueprints({ endpoint: null }), []);
  assert.deepEqual(requestBlueprints({ endpoint: "index" }), []);
  assert.deepEqual(requestBlueprints({ endpoint: "a.view" }), ["a"]);
  assert.deepEqual(requestBlueprints({ endpoint: "a.b.c.view" }), ["a.b.c", "a.b", "a"]);
});

Deno.test("Blueprint hooks run with the app's in Flask's order, for the request's blueprints", async () => {
  const app = new Application(import.meta.url);
  const calls: string[] = [];
  const parent = new Blueprint("parent", import.meta.url, { urlPrefix: "/p" });
  const child = new Blueprint("child", import.meta.url, { urlPrefix: "/c" });
  for (const [scope, name] of [[app, "app"], [parent, "parent"], [child, "child"]] as const) {
    scope.beforeRequest(() => void calls.push(`before ${name}`));
    scope.afterRequest((response) => (calls.push(`after ${name}`), response));
    scope.teardownRequest(() => void calls.push(`teardown ${name}`));
    scope.urlValuePreprocessor((endpoint) => void calls.push(`preprocess ${name} ${endpoint}`));
  }
  parent.beforeRequest(() => void calls.push("before parent 2"));
  child.beforeAppRequest(() => void calls.push("before_app child"));
  child.afterAppRequest((response) => (calls.push("after_app child"), response));
  child.teardownAppRequest(() => void calls.push("teardown_app child"));
  child.appUrlValuePreprocessor(() => void calls.push("app_preprocess child"));
  child.route("/v", function cv() {
    calls.push("view");
    return "v";
  });
  parent.route("/v", function pv() {
    calls.push("view");
    return "v";
  });
  app.route("/v", function av() {
    calls.push("view");
    return "v";
  });
  parent.registerBlueprint(child);
  app.registerBlueprint(parent);
  const client = app.testClient();

  calls.length = 0;
  await client.get("/p/c/v");
  assert.deepEqual(calls, [
    "preprocess app parent.child.cv",
    "app_preprocess child",
    "preprocess parent parent.child.cv",
    "preprocess child parent.child.cv",
    "before app",
    "before_app child",
    "before parent",
    "before parent 2",
    "before child",
    "view",
    "after child",
    "after parent",
    "after_app child",
    "after app",
    "teardown child",
    "teardown parent",
    "teardown_app child",
    "teardown app",
  ]);
  calls.length = 0;
  await client.get("/p/v");
  assert.deepEqual(calls, [
    "preprocess app parent.pv",
    "app_preprocess child",
    "preprocess parent parent.pv",
    "before app",
    "before_app child",
    "before parent",
    "before parent 2",
    "view",
    "after parent",
    "after_app child",
    "after app",
    "teardown parent",
    "teardown_app child",
    "teardown app",
  ]);
  calls.length = 0;
  await client.get("/v");
  assert.deepEqual(calls, [
    "preprocess app av",
    "app_preprocess child",
    "before app",
    "before_app child",
    "view",
    "after_app child",
    "after app",
    "teardown_app child",
    "teardown app",
  ]);
  calls.length = 0;
  await client.get("/p/c/missing");
  assert.deepEqual(calls, [
    "preprocess app null",
    "app_preprocess child",
    "before app",
    "before_app child",
    "after_app child",
    "after app",
    "teardown_app child",
    "teardown app",
  ]);
});

Deno.test("Blueprint beforeRequest returning a value answers for its requests only", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("private", import.meta.url, { urlPrefix: "/private" });
  bp.beforeRequest(() => ["no entry", 403]);
  bp.route("/", function secret() {
    return "secret";
  });
  app.route("/", function home() {
    return "home";
  });
  app.registerBlueprint(bp);
  const client = app.testClient();
  const blocked = await client.get("/private/");
  assert.equal(blocked.statusCode, 403);
  assert.equal(blocked.text, "no entry");
  assert.equal((await client.get("/")).text, "home");
});

class MyError extends Error {}
class SubError extends MyError {}

Deno.test("Blueprint error handlers come before the app's, by code then by class", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("bp", import.meta.url, { urlPrefix: "/bp" });
  const child = new Blueprint("child", import.meta.url, { urlPrefix: "/child" });
  app.registerErrorHandler(404, () => ["app 404", 404]);
  app.registerErrorHandler(MyError, () => ["app MyError", 500]);
  bp.registerErrorHandler(404, () => ["bp 404", 404]);
  bp.registerErrorHandler(SubError, () => ["bp SubError", 500]);
  bp.registerErrorHandler(500, () => ["bp 500", 500]);
  bp.registerErrorHandler(Error, () => ["bp Exception", 500]);
  child.appErrorHandler(418, () => ["app-wide 418 from child", 418]);
  const raise = (error: () => Error) => () => {
    throw error();
  };
  bp.route("/abort", raise(() => new NotFound()), { endpoint: "b1" });
  bp.route("/my", raise(() => new MyError()), { endpoint: "b2" });
  bp.route("/sub", raise(() => new SubError()), { endpoint: "b3" });
  bp.route("/teapot", () => abort(418), { endpoint: "b4" });
  child.route("/abort", raise(() => new NotFound()), { endpoint: "c1" });
  child.route("/sub", raise(() => new SubError()), { endpoint: "c2" });
  child.route("/my", raise(() => new MyError()), { endpoint: "c3" });
  app.route("/abort", raise(() => new NotFound()), { endpoint: "a1" });
  app.route("/sub", raise(() => new SubError()), { endpoint: "a2" });
  app.route("/teapot", () => abort(418), { endpoint: "a3" });
  bp.registerBlueprint(child);
  app.registerBlueprint(bp);
  const client = app.testClient();
  const expected: [string, number, string][] = [
    ["/bp/abort", 404, "bp 404"],
    ["/bp/nope", 404, "app 404"], // never reached the blueprint: no endpoint, the app's
    ["/bp/my", 500, "bp Exception"],
    ["/bp/sub", 500, "bp SubError"],
    ["/bp/teapot", 418, "app-wide 418 from child"],
    ["/bp/child/abort", 404, "bp 404"],
    ["/bp/child/sub", 500, "bp SubError"],
    ["/bp/child/my", 500, "bp Exception"],
    ["/abort", 404, "app 404"],
    ["/sub", 500, "app MyError"],
    ["/teapot", 418, "app-wide 418 from child"],
    ["/nope", 404, "app 404"],
  ];
  for (const [path, code, text] of expected) {
    const response = await client.get(path);
    assert.equal(response.statusCode, code, path);
    assert.equal(response.text, text, path);
  }
});

Deno.test("Blueprint 500 handler answers an unhandled error of its views only", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("bp", import.meta.url);
  bp.registerErrorHandler(
    500,
    (e) => [`bp 500 ${(e.originalException as Error).constructor.name}`, 500],
  );
  bp.route("/boom", function boom() {
    throw new TypeError("x");
  });
  app.route("/boom", function aboom() {
    throw new TypeError("x");
  });
  app.registerBlueprint(bp, { urlPrefix: "/bp" });
  app.logException = () => {};
  const client = app.testClient();
  const scoped = await client.get("/bp/boom");
  assert.equal(scoped.statusCode, 500);
  assert.equal(scoped.text, "bp 500 TypeError");
  const plain = await client.get("/boom");
  assert.equal(plain.statusCode, 500);
  assert.match(plain.text, /<title>500 Internal Server Error<\/title>/);
});

Deno.test("Blueprint urlDefaults and urlValuePreprocessor carry a language code", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("lang", import.meta.url, { urlPrefix: "/<lang_code>" });
  bp.urlDefaults((_endpoint, values) => {
    if ("lang_code" in values || !g.has("lang_code")) return;
    values.lang_code = g.lang_code;
  });
  bp.urlValuePreprocessor((_endpoint, values) => {
    g.lang_code = values!.lang_code;
    delete values!.lang_code;
  });
  bp.route("/", function index() {
    return JSON.stringify([g.lang_code, urlFor(".about"), urlFor(".about", { lang_code: "fr" })]);
  });
  bp.route("/about", function about() {
    return "about";
  });
  app.route("/", function root() {
    return JSON.stringify([urlFor("lang.index", { lang_code: "de" }), g.get("lang_code", null)]);
  });
  app.urlDefaults((endpoint, values) => {
    if (endpoint === "lang.about") values.app_added ??= "1";
  });
  app.registerBlueprint(bp);
  const client = app.testClient();
  assert.deepEqual(JSON.parse((await client.get("/en/")).text), [
    "en",
    "/en/about?app_added=1",
    "/fr/about?app_added=1",
  ]);
  assert.deepEqual(JSON.parse((await client.get("/")).text), ["/de/", null]);
});

Deno.test("Blueprint urlDefaults apply when the app has none of its own", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("lang", import.meta.url, { urlPrefix: "/<lang_code>" });
  bp.urlDefaults((_endpoint, values) => void (values.lang_code ??= "en"));
  bp.route("/about", function about() {
    return "a";
  });
  app.registerBlueprint(bp);
  const urls = await app.testRequestContext().run(() => [
    urlFor("lang.about"),
    urlFor("lang.about", { lang_code: "fr" }),
  ]);
  assert.deepEqual(urls, ["/en/about", "/fr/about"]);
});

Deno.test("urlFor runs urlDefaults of the app, then of the endpoint's blueprints outermost first", async () => {
  const app = new Application(import.meta.url);
  const order: string[] = [];
  const outer = new Blueprint("outer", import.meta.url, { urlPrefix: "/o" });
  const inner = new Blueprint("inner", import.meta.url, { urlPrefix: "/i" });
  app.urlDefaults((endpoint) => void order.push(`app ${endpoint}`));
  outer.urlDefaults((endpoint) => void order.push(`outer ${endpoint}`));
  inner.urlDefaults((endpoint) => void order.push(`inner ${endpoint}`));
  inner.appUrlDefaults((endpoint) => void order.push(`app-wide from inner ${endpoint}`));
  inner.route("/x", function x() {
    return "x";
  });
  app.route("/", function r() {
    return "r";
  });
  outer.registerBlueprint(inner);
  app.registerBlueprint(outer);
  const urls = await app.testRequestContext().run(() => [urlFor("outer.inner.x"), urlFor("r")]);
  assert.deepEqual(urls, ["/o/i/x", "/"]);
  assert.deepEqual(order, [
    "app outer.inner.x",
    "app-wide from inner outer.inner.x",
    "outer outer.inner.x",
    "inner outer.inner.x",
    "app r",
    "app-wide from inner r",
  ]);
});

Deno.test("urlFor with a leading dot outside a blueprint's view is the app's endpoint", async () => {
  const app = new Application(import.meta.url);
  app.route("/", function index() {
    return urlFor(".index");
  });
  assert.equal((await app.testClient().get("/")).text, "/");
});

Deno.test("Blueprint urlDefaults option gives values to its views, per registration", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("pages", import.meta.url, { urlDefaults: { page: "home" } });
  bp.route("/fixed", function fixed({ page }) {
    return `fixed ${page}`;
  });
  bp.route("/p/<page>", function showPage({ page }) {
    return `page ${page}`;
  });
  bp.route("/both", function both({ page, extra }) {
    return `${page} ${extra}`;
  }, { defaults: { extra: "e" } });
  app.registerBlueprint(bp);
  app.registerBlueprint(bp, { name: "docs", urlPrefix: "/docs", urlDefaults: { page: "index" } });
  const client = app.testClient();
  for (
    const [path, text] of [
      ["/fixed", "fixed home"],
      ["/p/x", "page home"], // Werkzeug: a rule's defaults win over the URL's values
      ["/both", "home e"],
      ["/docs/fixed", "fixed index"],
      ["/docs/p/y", "page index"],
      ["/docs/both", "index e"],
    ] as const
  ) {
    const response = await client.get(path);
    assert.equal(response.statusCode, 200, path);
    assert.equal(response.text, text, path);
  }
  const urls = await app.testRequestContext().run(() => [
    urlFor("pages.fixed"),
    urlFor("pages.fixed", { page: "home" }),
    urlFor("docs.fixed", { page: "index" }),
    urlFor("docs.fixed"),
  ]);
  assert.deepEqual(urls, ["/fixed", "/fixed", "/docs/fixed", "/docs/fixed"]);
});

Deno.test("Blueprint subdomains match under SERVER_NAME and join when nested", async () => {
  const app = new Application(import.meta.url, { subdomainMatching: true });
  app.config.SERVER_NAME = "example.com";
  const api = new Blueprint("api", import.meta.url, { subdomain: "api" });
  const v1 = new Blueprint("v1", import.meta.url, { subdomain: "v1", urlPrefix: "/v1" });
  api.route("/", function apiIndex() {
    return `api ${urlFor(".apiIndex")} ${urlFor("ext")}`;
  });
  v1.route("/items", function items() {
    return `items ${urlFor(".items")} ${urlFor("api.apiIndex")}`;
  });
  app.route("/", function home() {
    return `home ${urlFor("api.apiIndex")} ${urlFor("api.v1.items")}`;
  });
  app.route("/ext", function ext() {
    return "ext";
  });
  api.registerBlueprint(v1);
  app.registerBlueprint(api);
  const client = app.testClient();
  const expected: [string, string, number, string][] = [
    ["http://api.example.com", "/", 200, "api / http://example.com/ext"],
    ["http://v1.api.example.com", "/v1/items", 200, "items /v1/items http://api.example.com/"],
    [
      "http://example.com",
      "/",
      200,
      "home http://api.example.com/ http://v1.api.example.com/v1/items",
    ],
    ["http://example.com", "/v1/items", 404, ""],
    ["http://api.example.com", "/v1/items", 404, ""],
  ];
  for (const [baseUrl, path, code, text] of expected) {
    const response = await client.get(path, { baseUrl });
    assert.equal(response.statusCode, code, baseUrl + path);
    if (code === 200) assert.equal(response.text, text, baseUrl + path);
  }
  assert.deepEqual(
    [...app.urlMap.iterRules()].map((r) => [r.rule, r.endpoint, r.subdomain]).sort(),
    [
      ["/", "api.apiIndex", "api"],
      ["/", "home", ""],
      ["/ext", "ext", ""],
      ["/v1/items", "api.v1.items", "v1.api"],
    ],
  );
  const external = await app.appContext().run(() => [
    urlFor("api.apiIndex"),
    urlFor("api.v1.items"),
    urlFor("home"),
  ]);
  assert.deepEqual(external, [
    "http://api.example.com/",
    "http://v1.api.example.com/v1/items",
    "http://example.com/",
  ]);
});

Deno.test("Blueprint registered with a subdomain variable passes it to the view", async () => {
  const app = new Application(import.meta.url, { subdomainMatching: true });
  app.config.SERVER_NAME = "example.com";
  const bp = new Blueprint("sub", import.meta.url);
  bp.addUrlRule("/s", { endpoint: "s", view: ({ user }) => `s ${user}` });
  app.registerBlueprint(bp, { subdomain: "<user>" });
  const response = await app.testClient().get("/s", { baseUrl: "http://ann.example.com" });
  assert.equal(response.statusCode, 200);
  assert.equal(response.text, "s ann");
  assert.equal(
    await app.appContext().run(() => urlFor("sub.s", { user: "bob" })),
    "http://bob.example.com/s",
  );
});

Deno.test("Blueprint refuses a name registered already, naming what holds it", () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("bp", import.meta.url);
  bp.route("/", function i() {
    return "i";
  });
  app.registerBlueprint(bp);
  assert.throws(() => app.registerBlueprint(bp), {
    name: "TypeError",
    message: "The name 'bp' is already registered for this blueprint. " +
      "Use the name option to provide a unique name.",
  });
  assert.throws(() => app.registerBlueprint(new Blueprint("bp", import.meta.url)), {
    name: "TypeError",
    message: "The name 'bp' is already registered for a different blueprint. " +
      "Use the name option to provide a unique name.",
  });

  const other = new Application(import.meta.url);
  const p1 = new Blueprint("p1", import.meta.url);
  p1.registerBlueprint(new Blueprint("k", import.meta.url));
  p1.registerBlueprint(new Blueprint("k", import.meta.url));
  assert.throws(() => other.registerBlueprint(p1), {
    name: "TypeError",
    message: "The name 'k' is already registered for a different blueprint 'p1.k'. " +
      "Use the name option to provide a unique name.",
  });
  assert.deepEqual(Object.keys(other.blueprints), ["p1", "p1.k"]);
});

Deno.test("Blueprint registered twice under two names serves both, recording once", async () => {
  const app = new Application(import.meta.url);
  const bp = new Blueprint("rec", import.meta.url, { urlPrefix: "/r" });
  const seen: unknown[] = [];
  bp.record((s: BlueprintSetupState) =>
    void seen.push([
      "record",
      s.name,
      s.namePrefix,
      s.urlPrefix,
      s.subdomain,
      s.firstRegistration,
      s.options.extra ?? null,
    ])
  );
  bp.recordOnce((s) => void seen.push(["once", s.name]));
  bp.route("/", function index() {
    return urlFor(".index");
  });
  app.registerBlueprint(bp, { extra: 1 });
  app.registerBlueprint(bp, { name: "rec2", urlPrefix: "/r2" });
  assert.deepEqual(seen, [
    ["record", "rec", "", "/r", null, true, 1],
    ["once", "rec"],
    ["record", "rec2", "", "/r2", null, false, null],
  ]);
  const client = app.testClient();
  assert.equal((await client.get("/r/")).text, "/r/");
  assert.equal((await client.get("/r2/")).text, "/r2/");
});

Deno.test("Blueprint rejects bad names, dotted endpoints, itself, and late setup", () => {
  assert.throws(() => new Blueprint("", import.meta.url), TypeError);
  assert.throws(() => new Blueprint("a.b", import.meta.url), /may not contain a dot/);
  const bp = new Blueprint("z", import.meta.url);
  assert.throws(
    () => bp.addUrlRule("/", { endpoint: "a.b", view: () => "" }),
    /endpoint may not contain a dot/,
  );
  assert.throws(() => bp.route("/robots.txt", () => ""), /give an endpoint option/);
  assert.throws(() => bp.registerBlueprint(bp), /Cannot register a blueprint on itself/);
  assert.throws(() => bp.appErrorHandler(999, () => ""), /not a recognized HTTP error code/);

  const app = new Application(import.meta.url);
  app.registerBlueprint(bp);
  assert.throws(() => bp.route("/late", () => ""), {
    name: "TypeError",
    message:
      /^The setup method 'route' can no longer be called on the blueprint 'z'\. It has already been registered at least once/,
  });
  assert.throws(() => bp.record(() => {}), /setup method 'record' can no longer be called/);
  assert.throws(() => bp.beforeRequest(() => {}), /'beforeRequest' can no longer/);
});
