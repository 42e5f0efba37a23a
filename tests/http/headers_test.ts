// Headers / EnvironHeaders: Werkzeug 3.1's Headers behaviour (cases checked in python3),
// plus phial's TypeError for values that cannot go on the wire.
import assert from "node:assert/strict";
import { EnvironHeaders, Headers } from "../../framework/http/headers.ts";
import type { Environ } from "../../framework/gateway/types.ts";

Deno.test("Headers lookups ignore case and keep order and the original names", () => {
  const h = new Headers([["X-A", "1"], ["Content-Type", "a"], ["x-a", "2"]]);
  assert.equal(h.get("x-A"), "1");
  assert.equal(h.get("CONTENT-TYPE"), "a");
  assert.deepEqual(h.getlist("X-a"), ["1", "2"]);
  assert.deepEqual(h.getAll("x-a"), ["1", "2"]);
  assert.equal(h.has("content-type"), true);
  assert.equal(h.has("nope"), false);
  assert.equal(h.get("nope"), undefined);
  assert.deepEqual([...h], [["X-A", "1"], ["Content-Type", "a"], ["x-a", "2"]]);
  assert.equal(h.size, 3);
});

Deno.test("Headers.set replaces the first line in place and drops the others", () => {
  // python: Headers([('X-A','1'),('Content-Type','a'),('x-a','2')]).set('X-A','3')
  const h = new Headers([["X-A", "1"], ["Content-Type", "a"], ["x-a", "2"]]);
  h.set("X-A", "3");
  assert.deepEqual(h.toWsgiList(), [["X-A", "3"], ["Content-Type", "a"]]);
  h.set("New", 5);
  assert.deepEqual(h.toWsgiList().at(-1), ["New", "5"]);
});

Deno.test("Headers.add with params formats them as Werkzeug's keyword arguments", () => {
  const h = new Headers();
  h.add("Content-Disposition", "attachment", { filename: "foo.png" });
  h.add("Content-Disposition", "attachment", { filename: "my file.png", skip: null });
  // python: h.add("X", "v", foo_bar="1") gives "v; foo-bar=1"
  h.add("X", "v", { foo_bar: "1" });
  assert.deepEqual(h.getlist("content-disposition"), [
    "attachment; filename=foo.png",
    'attachment; filename="my file.png"',
  ]);
  assert.equal(h.get("x"), "v; foo-bar=1");
});

Deno.test("Headers.setdefault, remove, pop, get with type", () => {
  const h = new Headers({ "Content-Length": "42", "X-N": "abc" });
  assert.equal(h.setdefault("content-length", "9"), "42");
  assert.equal(h.setdefault("X-New", "v"), "v");
  assert.equal(h.get("Content-Length", { type: Number }), 42);
  assert.equal(h.get("X-N", { type: Number, default: -1 }), -1);
  assert.equal(h.pop("x-new"), "v");
  assert.equal(h.remove("X-N"), true);
  assert.equal(h.delete("X-N"), false);
  assert.deepEqual(h.toWsgiList(), [["Content-Length", "42"]]);
});

Deno.test("Headers rejects CR/LF, NUL and non-latin-1 values and bad names with TypeError", () => {
  const h = new Headers();
  assert.throws(() => h.add("X", "a\r\nb"), TypeError);
  assert.throws(() => h.add("X", "a\nb"), TypeError);
  assert.throws(() => h.set("X", "a\0b"), TypeError);
  assert.throws(() => h.add("X", "euro \u20ac"), TypeError);
  assert.throws(() => h.add("Bad Name", "v"), TypeError);
  assert.throws(() => h.add("X:Y", "v"), TypeError);
  assert.throws(() => new Headers({ "X": "a\rb" }), TypeError);
  h.add("X", "caf\u00e9");
  assert.equal(h.get("x"), "caf\u00e9");
});

Deno.test("Headers from a record spreads arrays; from fetch Headers keeps Set-Cookie lines", () => {
  const h = new Headers({ "Set-Cookie": ["a=1", "b=2"], "X": 1 });
  assert.deepEqual(h.toWsgiList(), [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"], ["X", "1"]]);
  const f = new globalThis.Headers();
  f.append("Set-Cookie", "a=1");
  f.append("Set-Cookie", "b=2");
  f.append("Accept", "x");
  const fromFetch = new Headers(f);
  assert.deepEqual(fromFetch.getlist("set-cookie"), ["a=1", "b=2"]);
  assert.equal(fromFetch.get("Accept"), "x");
  assert.deepEqual(new Headers(h).toWsgiList(), h.toWsgiList());
  const back = h.toFetchHeaders();
  assert.deepEqual(back.getSetCookie(), ["a=1", "b=2"]);
});

Deno.test("Headers.update replaces per key; toString is the header block", () => {
  const h = new Headers([["A", "1"], ["B", "2"]]);
  // python: h.update([('a','x'),('a','y'),('C','3')])
  h.update([["a", "x"], ["a", "y"], ["C", "3"]]);
  assert.deepEqual(h.toWsgiList(), [["a", "y"], ["B", "2"], ["C", "3"]]);
  h.update({ b: ["p", "q"] });
  assert.deepEqual(h.toWsgiList(), [["a", "y"], ["b", "p"], ["C", "3"], ["b", "q"]]);
  assert.equal(new Headers([["A", "1"]]).toString(), "A: 1\r\n\r\n");
});

Deno.test("toWsgiList returns a fresh list", () => {
  const h = new Headers([["A", "1"]]);
  const list = h.toWsgiList();
  list.push(["B", "2"]);
  assert.equal(h.size, 1);
});

function environ(extra: Record<string, string>): Environ {
  return { REQUEST_METHOD: "GET", SCRIPT_NAME: "", PATH_INFO: "/", ...extra } as Environ;
}

Deno.test("EnvironHeaders reads HTTP_* keys and CONTENT_* as Werkzeug's EnvironHeaders", () => {
  const h = Headers.fromEnviron(environ({
    HTTP_USER_AGENT: "curl",
    HTTP_X_FORWARDED_FOR: "1.2.3.4",
    CONTENT_TYPE: "text/plain",
    CONTENT_LENGTH: "",
    HTTP_CONTENT_TYPE: "ignored",
    HTTP_WWW_AUTHENTICATE: "x",
  }));
  assert.ok(h instanceof EnvironHeaders);
  assert.equal(h.get("user-agent"), "curl");
  assert.equal(h.get("Content-Type"), "text/plain");
  assert.deepEqual(h.getlist("X-Forwarded-For"), ["1.2.3.4"]);
  assert.equal(h.has("Content-Length"), true);
  // python: list(EnvironHeaders(environ)) skips the empty CONTENT_LENGTH
  assert.deepEqual([...h], [
    ["User-Agent", "curl"],
    ["X-Forwarded-For", "1.2.3.4"],
    ["Content-Type", "text/plain"],
    ["Www-Authenticate", "x"],
  ]);
  assert.throws(() => h.add("X", "y"), TypeError);
  assert.throws(() => h.set("X", "y"), TypeError);
  assert.throws(() => h.remove("User-Agent"), TypeError);
  const copy = h.copy();
  copy.add("X", "y");
  assert.equal(copy.get("x"), "y");
});
