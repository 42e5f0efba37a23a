import assert from "node:assert/strict";
import {
  BuildError,
  Map as UrlMap,
  type MapAdapter,
  matchResultError,
  NOT_FOUND_RESULT,
  RequestRedirect,
  Rule,
} from "../../framework/routing/mod.ts";
import { HTTPException, MethodNotAllowed, NotFound } from "../../framework/http/exceptions.ts";
import { MultiDict } from "../../framework/http/multi_dict.ts";

function adapter(): MapAdapter {
  return new UrlMap([
    new Rule("/", { endpoint: "index" }),
    new Rule("/user/<int:id>", { endpoint: "user", methods: ["GET", "POST"] }),
    new Rule("/user/<int:id>", { endpoint: "user_delete", methods: ["DELETE"] }),
    new Rule("/about/", { endpoint: "about" }),
    new Rule("/files/<path:rest>", { endpoint: "files" }),
    new Rule("/old/<int:id>", {
      endpoint: "old",
      redirectTo: (urls, values) => `user/${values.id}?from=${urls.serverName}`,
    }),
  ]).bind("example.com", { queryArgs: "q=1" });
}

Deno.test("MapAdapter.match returns [endpoint, args] as in API.md", () => {
  const urls = adapter();
  assert.deepStrictEqual(urls.match("/user/42", "GET"), ["user", { id: 42 }]);
  assert.deepStrictEqual(urls.match("/user/42", "delete"), ["user_delete", { id: 42 }]);
  assert.deepStrictEqual(urls.match("/files/a/b.txt"), ["files", { rest: "a/b.txt" }]);
});

Deno.test("MapAdapter.match with returnRule gives the Rule", () => {
  const [rule, args] = adapter().match("/user/7", "POST", { returnRule: true });
  assert.ok(rule instanceof Rule);
  assert.equal(rule.rule, "/user/<int:id>");
  assert.deepStrictEqual(args, { id: 7 });
});

Deno.test("MapAdapter.match uses the bound path and method by default", () => {
  const map = new UrlMap([new Rule("/x", { endpoint: "x", methods: ["PUT"] })]);
  const urls = map.bind("example.com", { pathInfo: "/x", defaultMethod: "PUT" });
  assert.deepStrictEqual(urls.match(), ["x", {}]);
});

Deno.test("MapAdapter.match throws NotFound (404) for an unknown path", () => {
  assert.throws(() => adapter().match("/nope"), (e: unknown) => {
    assert.ok(e instanceof NotFound && e instanceof HTTPException);
    assert.equal(e.code, 404);
    return true;
  });
});

Deno.test("MapAdapter.match throws MethodNotAllowed (405) listing the valid methods", () => {
  assert.throws(() => adapter().match("/user/1", "PUT"), (e: unknown) => {
    assert.ok(e instanceof MethodNotAllowed);
    assert.equal(e.code, 405);
    assert.deepStrictEqual([...e.validMethods].sort(), ["DELETE", "GET", "HEAD", "POST"]);
    assert.deepStrictEqual(
      e.getHeaders().find(([name]) => name === "Allow")?.[1].split(", ").sort(),
      [
        "DELETE",
        "GET",
        "HEAD",
        "POST",
      ],
    );
    return true;
  });
});

Deno.test("MapAdapter.match redirects /about to /about/ with 308, keeping the query", () => {
  assert.throws(() => adapter().match("/about"), (e: unknown) => {
    assert.ok(e instanceof RequestRedirect && e instanceof HTTPException);
    assert.equal(e.code, 308);
    assert.equal(e.newUrl, "http://example.com/about/?q=1");
    const headers = e.getHeaders();
    assert.deepStrictEqual(headers.find(([name]) => name === "Location"), [
      "Location",
      "http://example.com/about/?q=1",
    ]);
    assert.match(e.getBody(), /<a href="http:\/\/example.com\/about\/\?q=1">/);
    assert.equal(e.getResponse().statusCode, 308);
    return true;
  });
});

Deno.test("MapAdapter.match calls a redirectTo function with the adapter and values", () => {
  assert.throws(
    () => adapter().match("/old/5"),
    (e: unknown) =>
      e instanceof RequestRedirect && e.newUrl === "http://example.com/user/5?from=example.com",
  );
});

Deno.test("MapAdapter.match never percent-decodes the path", () => {
  const urls = new UrlMap([new Rule("/p/<name>", { endpoint: "p" })]).bind("example.com");
  assert.deepStrictEqual(urls.match("/p/a%2Fb"), ["p", { name: "a%2Fb" }]);
  assert.deepStrictEqual(urls.match("/p/ü b"), ["p", { name: "ü b" }]);
});

Deno.test("MapAdapter.matchResult answers without throwing", () => {
  const urls = adapter();
  const hit = urls.matchResult("/user/3", "GET");
  assert.equal(hit.code, 200);
  if (hit.code === 200) {
    assert.equal(hit.endpoint, "user");
    assert.equal(hit.rule.rule, "/user/<int:id>");
    assert.deepStrictEqual(hit.args, { id: 3 });
  }
  assert.deepStrictEqual(urls.matchResult("/about"), {
    code: 308,
    newUrl: "http://example.com/about/?q=1",
  });
  const notAllowed = urls.matchResult("/user/3", "PATCH");
  assert.equal(notAllowed.code, 405);
  if (notAllowed.code === 405) {
    assert.deepStrictEqual(notAllowed.validMethods.sort(), ["DELETE", "GET", "HEAD", "POST"]);
  }
});

Deno.test("MapAdapter.matchResult shares one 404 object for every miss", () => {
  const urls = adapter();
  assert.equal(urls.matchResult("/nope"), NOT_FOUND_RESULT);
  assert.equal(urls.matchResult("/user/x"), NOT_FOUND_RESULT);
  assert.ok(Object.isFrozen(NOT_FOUND_RESULT));
});

Deno.test("matchResultError turns a result into the exception match() throws", () => {
  assert.ok(matchResultError(NOT_FOUND_RESULT) instanceof NotFound);
  const e = matchResultError({ code: 405, validMethods: ["GET"] });
  assert.ok(e instanceof MethodNotAllowed);
  assert.deepStrictEqual(e.validMethods, ["GET"]);
  const r = matchResultError({ code: 308, newUrl: "http://x/" });
  assert.ok(r instanceof RequestRedirect);
  assert.equal(r.newUrl, "http://x/");
});

Deno.test("MapAdapter.test and allowedMethods", () => {
  const urls = adapter();
  assert.equal(urls.test("/user/1"), true);
  assert.equal(urls.test("/about"), true);
  assert.equal(urls.test("/nope"), false);
  assert.deepStrictEqual(urls.allowedMethods("/user/1").sort(), ["DELETE", "GET", "HEAD", "POST"]);
  assert.deepStrictEqual(urls.allowedMethods("/nope"), []);
});

Deno.test("MapAdapter.build accepts a MultiDict: single values as values, lists as arrays", () => {
  const values = new MultiDict<string>([["id", "5"], ["tag", "a"], ["tag", "b"]]);
  assert.equal(adapter().build("user", values), "/user/5?tag=a&tag=b");
});

Deno.test("MapAdapter.build drops null and undefined values", () => {
  assert.equal(adapter().build("user", { id: 1, a: null, b: undefined }), "/user/1");
});

Deno.test("MapAdapter.build appends an anchor quoted as Flask's url_for does", () => {
  assert.equal(adapter().build("index", {}, { anchor: "a b#c" }), "/#a%20b#c");
});

Deno.test("MapAdapter.build honours scriptName", () => {
  const urls = new UrlMap([new Rule("/x/<a>", { endpoint: "x" })]).bind("example.com", {
    scriptName: "/app",
  });
  assert.equal(urls.build("x", { a: "1" }), "/app/x/1");
  assert.equal(urls.build("x", { a: "1" }, { forceExternal: true }), "http://example.com/app/x/1");
});

Deno.test("BuildError names the endpoint, the values and what was missing", () => {
  const urls = adapter();
  assert.throws(() => urls.build("user", { q: 1 }), (e: unknown) => {
    assert.ok(e instanceof BuildError);
    assert.equal(e.endpoint, "user");
    assert.deepStrictEqual(e.values, { q: 1 });
    assert.equal(e.method, undefined);
    assert.equal(e.suggested?.endpoint, "user");
    assert.equal(
      e.message,
      "Could not build url for endpoint 'user' with values ['q']. Did you forget to specify values ['id']?",
    );
    return true;
  });
  assert.throws(
    () => urls.build("usr"),
    {
      name: "BuildError",
      message: "Could not build url for endpoint 'usr'. Did you mean 'user' instead?",
    },
  );
});

Deno.test("MapAdapter.dispatch calls the view, returns redirects and throws other errors", () => {
  const urls = adapter();
  assert.equal(urls.dispatch((endpoint, args) => `${endpoint}:${args.id}`, "/user/9"), "user:9");
  const redirect = urls.dispatch(() => "view", "/about");
  assert.ok(redirect instanceof RequestRedirect);
  assert.throws(() => urls.dispatch(() => "view", "/nope"), NotFound);
  assert.ok(urls.dispatch(() => "view", "/nope", "GET", true) instanceof NotFound);
  assert.ok(urls.dispatch(() => "view", "/user/1", "PUT", true) instanceof MethodNotAllowed);
});

Deno.test("Map sortParameters and sortKey order the built query as Werkzeug does", () => {
  // Recorded from Werkzeug 3.1 (sort_key=lambda item: item[1], then no sort_key).
  const byValue = new UrlMap([new Rule("/s", { endpoint: "s" })], {
    sortParameters: true,
    sortKey: (item) => item[1],
  }).bind("x");
  assert.equal(byValue.build("s", { b: "1", a: "2", c: ["3", "0"] }), "/s?c=0&b=1&a=2&c=3");
  const byPair = new UrlMap([new Rule("/s", { endpoint: "s" })], { sortParameters: true })
    .bind("x");
  assert.equal(
    byPair.build("s", { b: "1", a: "2", c: ["3", "0"], aa: "z" }),
    "/s?a=2&aa=z&b=1&c=0&c=3",
  );
});

Deno.test("each exception match() throws is its own object", () => {
  const urls = adapter();
  const first = (() => {
    try {
      urls.match("/nope");
    } catch (e) {
      return e as NotFound;
    }
  })()!;
  first.description = "changed";
  assert.throws(() => urls.match("/nope"), (e: unknown) => {
    assert.ok(e instanceof NotFound && e !== first);
    assert.equal(e.description, new NotFound().description);
    assert.equal(e.getResponse().statusCode, 404);
    return true;
  });
  assert.throws(
    () => urls.match("/user/1", "PUT"),
    (e: unknown) => e instanceof MethodNotAllowed && e.validMethods.includes("DELETE"),
  );
});

Deno.test("adapters for different subdomains of one map match each on their own", () => {
  const map = new UrlMap([
    new Rule("/", { endpoint: "www" }),
    new Rule("/", { endpoint: "api", subdomain: "api" }),
    new Rule("/", { endpoint: "user", subdomain: "<user>" }),
  ], { defaultSubdomain: "www" });
  const www = map.bind("example.com", { subdomain: "www" });
  const api = map.bind("example.com", { subdomain: "api" });
  const bob = map.bind("example.com", { subdomain: "bob" });
  for (let i = 0; i < 3; i++) {
    assert.deepStrictEqual(www.match("/"), ["www", {}]);
    assert.deepStrictEqual(api.match("/"), ["api", {}]);
    assert.deepStrictEqual(bob.match("/"), ["user", { user: "bob" }]);
  }
  map.add(new Rule("/", { endpoint: "docs", subdomain: "docs" }));
  assert.deepStrictEqual(map.bind("example.com", { subdomain: "docs" }).match("/"), ["docs", {}]);
  assert.deepStrictEqual(www.match("/"), ["www", {}]);
});

Deno.test("matchResultError makes routing errors without a stack trace and leaves other errors theirs", () => {
  const before = Error.stackTraceLimit;
  const urls = new UrlMap([new Rule("/a", { endpoint: "a", methods: ["GET"] })]).bind("x");
  const miss = urls.matchResult("/nope");
  const wrong = urls.matchResult("/a", "POST");
  assert.ok(miss.code === 404 && wrong.code === 405);
  const notFound = matchResultError(miss);
  const notAllowed = matchResultError(wrong);
  assert.equal(notFound.code, 404);
  assert.deepEqual((notAllowed as MethodNotAllowed).validMethods, ["GET", "HEAD"]);
  assert.doesNotMatch(notFound.stack ?? "", /\n\s+at /);
  assert.equal(Error.stackTraceLimit, before);
  assert.match(new Error("x").stack ?? "", /map_adapter_test/);
});
