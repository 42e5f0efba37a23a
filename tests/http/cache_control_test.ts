// Cache-Control, with expectations from Werkzeug 3.1
// (`parse_cache_control_header`, `RequestCacheControl`, `ResponseCacheControl`, python3).
import assert from "node:assert/strict";
import {
  parseCacheControlHeader,
  RequestCacheControl,
  ResponseCacheControl,
} from "../../framework/http/cache_control.ts";

Deno.test("RequestCacheControl reads directives as Werkzeug's RequestCacheControl", () => {
  // [header, max_age, no_cache, max_stale, min_fresh, only_if_cached, no_store]
  const cases: [
    string,
    number | null,
    boolean,
    number | true | null,
    number | null,
    boolean,
    boolean,
  ][] = [
    ["max-age=60, public", 60, false, null, null, false, false],
    ["no-cache", null, true, null, null, false, false],
    ["max-stale", null, false, true, null, false, false],
    ["max-stale=10, min-fresh=x, only-if-cached", null, false, 10, null, true, false],
    ["", null, false, null, null, false, false],
    ["max-age=abc", null, false, null, null, false, false],
  ];
  for (const [header, maxAge, noCache, maxStale, minFresh, onlyIfCached, noStore] of cases) {
    const cc = parseCacheControlHeader(header);
    assert.ok(cc instanceof RequestCacheControl);
    assert.equal(cc.provided, true);
    assert.deepEqual(
      [cc.maxAge, cc.noCache, cc.maxStale, cc.minFresh, cc.onlyIfCached, cc.noStore],
      [maxAge, noCache, maxStale, minFresh, onlyIfCached, noStore],
      header,
    );
  }
  assert.throws(() => {
    parseCacheControlHeader("max-age=1").set("public", null);
  }, TypeError);
});

Deno.test("ResponseCacheControl reads and writes as Werkzeug's ResponseCacheControl", () => {
  // [header, no_cache, private, public, s_maxage, immutable, must_revalidate, swr, to_header()]
  const cases: [
    string,
    string | true | null,
    string | true | null,
    boolean,
    number | null,
    boolean,
    boolean,
    number | null,
    string,
  ][] = [
    ["max-age=60, public", null, null, true, null, false, false, null, "max-age=60, public"],
    ["no-cache", true, null, false, null, false, false, null, "no-cache"],
    [
      'no-cache="Set-Cookie", private',
      "Set-Cookie",
      true,
      false,
      null,
      false,
      false,
      null,
      "no-cache=Set-Cookie, private",
    ],
    [
      "s-maxage=5, stale-while-revalidate=30, immutable, must-revalidate",
      null,
      null,
      false,
      5,
      true,
      true,
      30,
      "s-maxage=5, stale-while-revalidate=30, immutable, must-revalidate",
    ],
  ];
  for (const [header, noCache, priv, pub, sMaxage, immutable, mustRevalidate, swr, out] of cases) {
    const cc = parseCacheControlHeader(header, null, ResponseCacheControl);
    assert.deepEqual(
      [
        cc.noCache,
        cc.private,
        cc.public,
        cc.sMaxage,
        cc.immutable,
        cc.mustRevalidate,
        cc.staleWhileRevalidate,
        cc.toHeader(),
      ],
      [noCache, priv, pub, sMaxage, immutable, mustRevalidate, swr, out],
      header,
    );
  }
  const updates: string[] = [];
  const cc = new ResponseCacheControl(null, (c) => updates.push(c.toHeader()));
  assert.equal(cc.provided, false);
  cc.public = true;
  cc.maxAge = 300;
  cc.noCache = true;
  cc.maxAge = null;
  cc.private = "x y";
  cc.public = false;
  // python: the same assignments on ResponseCacheControl()
  assert.deepEqual(updates, [
    "public",
    "public, max-age=300",
    "public, max-age=300, no-cache",
    "public, no-cache",
    'public, no-cache, private="x y"',
    'no-cache, private="x y"',
  ]);
  assert.throws(() => {
    cc.maxAge = "soon" as unknown as number;
  }, TypeError);
});
