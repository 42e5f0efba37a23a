import assert from "node:assert/strict";
import {
  EndpointPrefix,
  Map as UrlMap,
  RequestRedirect,
  Rule,
  RuleTemplate,
  Subdomain,
  Submount,
} from "../../framework/routing/mod.ts";

// Expectations recorded from Werkzeug 3.1 with the same factories.
function map(): UrlMap {
  return new UrlMap([
    new Rule("/", { endpoint: "index" }),
    new Submount("/blog/", [
      new Rule("/", { endpoint: "blog/index" }),
      new Rule("/entry/<slug>", { endpoint: "blog/show" }),
      new EndpointPrefix("x.", [new Rule("/x/", { endpoint: "y" })]),
    ]),
    new Subdomain("<lang>", [new Rule("/about", { endpoint: "about" })]),
    new EndpointPrefix("api.", [new Submount("/api", [new Rule("/v/<int:n>", { endpoint: "v" })])]),
  ]);
}

Deno.test("Submount, Subdomain and EndpointPrefix match as in Werkzeug", () => {
  const urls = map().bind("example.com");
  assert.deepStrictEqual(urls.match("/blog/"), ["blog/index", {}]);
  assert.deepStrictEqual(urls.match("/blog/entry/hi"), ["blog/show", { slug: "hi" }]);
  assert.deepStrictEqual(urls.match("/blog/x/"), ["x.y", {}]);
  assert.deepStrictEqual(urls.match("/api/v/3"), ["api.v", { n: 3 }]);
  assert.deepStrictEqual(map().bind("example.com", { subdomain: "fr" }).match("/about"), [
    "about",
    { lang: "fr" },
  ]);
  assert.throws(
    () => urls.match("/blog"),
    (e: unknown) => e instanceof RequestRedirect && e.newUrl === "http://example.com/blog/",
  );
});

Deno.test("Submount, Subdomain and EndpointPrefix build as in Werkzeug", () => {
  const urls = map().bind("example.com");
  assert.equal(urls.build("blog/show", { slug: "a b" }), "/blog/entry/a%20b");
  assert.equal(urls.build("about", { lang: "de" }), "http://de.example.com/about");
  assert.equal(urls.build("api.v", { n: 4 }), "/api/v/4");
  assert.equal(urls.build("x.y"), "/blog/x/");
});

Deno.test("a factory copies its rules: the originals stay unbound", () => {
  const rule = new Rule("/a", { endpoint: "a" });
  new UrlMap([new Submount("/one", [rule]), new Submount("/two", [rule])]);
  assert.equal(rule.map, undefined);
  assert.equal(rule.rule, "/a");
});

Deno.test("RuleTemplate fills $name placeholders as Werkzeug's does", () => {
  // Recorded from Werkzeug 3.1's RuleTemplate with the same rules.
  const resource = new RuleTemplate([
    new Rule("/$name/", { endpoint: "$name.list", defaults: { k: "${name}s", n: 1 } }),
    new Rule("/$name/<int:id>", { endpoint: "$name.show", methods: ["GET"] }),
  ]);
  const urls = new UrlMap([resource.apply({ name: "user" }), resource.apply({ name: "page" })])
    .bind("example.com");
  assert.deepStrictEqual(urls.match("/page/3"), ["page.show", { id: 3 }]);
  assert.deepStrictEqual(urls.match("/user/"), ["user.list", { k: "users", n: 1 }]);
  assert.equal(urls.build("user.list"), "/user/");
  assert.equal(urls.build("page.show", { id: 2 }), "/page/2");
  assert.throws(() => new UrlMap([resource.apply({ nam: "x" })]), /no value for \$name/);
});
