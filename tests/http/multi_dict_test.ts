// MultiDict: Werkzeug 3.1's MultiDict behaviour (cases checked in python3).
import assert from "node:assert/strict";
import { ImmutableMultiDict, MultiDict } from "../../framework/http/multi_dict.ts";

Deno.test("MultiDict.get gives the first value and getlist every value", () => {
  const d = new MultiDict([["a", "1"], ["b", "2"], ["a", "3"]]);
  assert.equal(d.get("a"), "1");
  assert.deepEqual(d.getlist("a"), ["1", "3"]);
  assert.deepEqual(d.getAll("a"), ["1", "3"]);
  assert.deepEqual(d.getlist("missing"), []);
  assert.equal(d.get("missing"), undefined);
  assert.equal(d.size, 2);
});

Deno.test("MultiDict iterates every pair grouped by key, keys once (Werkzeug order)", () => {
  // python: MultiDict([('a','1'),('b','2'),('a','3')]).items(multi=True)
  const d = new MultiDict([["a", "1"], ["b", "2"], ["a", "3"]]);
  assert.deepEqual([...d], [["a", "1"], ["a", "3"], ["b", "2"]]);
  assert.deepEqual([...d.entries()], [["a", "1"], ["a", "3"], ["b", "2"]]);
  assert.deepEqual([...d.keys()], ["a", "b"]);
  assert.deepEqual([...d.values()], ["1", "2"]);
  assert.deepEqual(d.items(), [["a", "1"], ["b", "2"]]);
  assert.deepEqual(d.items({ multi: true }), [["a", "1"], ["a", "3"], ["b", "2"]]);
  assert.deepEqual(d.lists(), [["a", ["1", "3"]], ["b", ["2"]]]);
});

Deno.test("MultiDict.get with type converts, and a failing type gives the default", () => {
  const d = new MultiDict([["n", "5"], ["x", "abc"], ["j", "{"]]);
  assert.equal(d.get("n", { type: Number }), 5);
  assert.equal(d.get("n", { type: Number, default: 0 }), 5);
  assert.equal(d.get("x", { type: Number, default: 0 }), 0);
  assert.equal(d.get("x", { type: Number }), undefined);
  assert.equal(d.get("missing", { type: Number, default: 7 }), 7);
  assert.equal(d.get("j", { type: JSON.parse, default: null }), null);
  assert.equal(d.get("missing", { default: "dflt" }), "dflt");
  const m = new MultiDict([["n", "1"], ["n", "x"], ["n", "3"]]);
  assert.deepEqual(m.getlist("n", { type: Number }), [1, 3]);
});

Deno.test("MultiDict.toDict is flat by default and keeps lists with flat: false", () => {
  const d = new MultiDict([["a", "1"], ["b", "2"], ["a", "3"]]);
  assert.deepEqual(d.toDict(), { a: "1", b: "2" });
  assert.deepEqual(d.toDict({ flat: false }), { a: ["1", "3"], b: ["2"] });
  assert.equal(JSON.stringify(d), '{"a":"1","b":"2"}');
});

Deno.test("MultiDict.toDict keeps a __proto__ key as data", () => {
  const d = new MultiDict([["__proto__", "x"]]);
  const obj = d.toDict();
  assert.equal(Object.getPrototypeOf(obj), Object.prototype);
  assert.deepEqual(Object.keys(obj), ["__proto__"]);
});

Deno.test("MultiDict from a record spreads array values", () => {
  const d = new MultiDict<string>({ a: ["1", "2"], b: "3" });
  assert.deepEqual(d.toDict({ flat: false }), { a: ["1", "2"], b: ["3"] });
  assert.deepEqual(new MultiDict(d).toDict({ flat: false }), { a: ["1", "2"], b: ["3"] });
});

Deno.test("MultiDict set replaces, add appends, setlist/setdefault/pop/delete", () => {
  const d = new MultiDict([["a", "1"], ["b", "2"], ["a", "3"]]);
  d.set("a", "z");
  assert.deepEqual([...d], [["a", "z"], ["b", "2"]]);
  d.add("b", "4");
  assert.deepEqual(d.getlist("b"), ["2", "4"]);
  assert.equal(d.pop("a"), "z");
  assert.equal(d.setdefault("q", "d"), "d");
  assert.equal(d.setdefault("q", "e"), "d");
  assert.deepEqual([...d], [["b", "2"], ["b", "4"], ["q", "d"]]);
  d.setlist("c", ["x", "y"]);
  assert.deepEqual(d.getlist("c"), ["x", "y"]);
  assert.deepEqual(d.poplist("c"), ["x", "y"]);
  assert.equal(d.delete("q"), true);
  assert.equal(d.delete("q"), false);
  assert.equal(d.has("b"), true);
  assert.equal(d.has("q"), false);
});

Deno.test("MultiDict.copy is independent and update appends", () => {
  const d = new MultiDict([["a", "1"]]);
  const c = d.copy();
  c.add("a", "2");
  assert.deepEqual(d.getlist("a"), ["1"]);
  d.update([["a", "9"], ["b", "8"]]);
  assert.deepEqual(d.toDict({ flat: false }), { a: ["1", "9"], b: ["8"] });
});

Deno.test("MultiDict.get with type Number treats a blank value as missing, like int('')", () => {
  const d = new MultiDict([["n", ""], ["s", "  "], ["z", "0"]]);
  assert.equal(d.get("n", { type: Number, default: 5 }), 5);
  assert.equal(d.get("s", { type: Number, default: 5 }), 5);
  assert.equal(d.get("z", { type: Number, default: 5 }), 0);
  assert.equal(d.get("n", { type: String, default: "x" }), "");
});

Deno.test("ImmutableMultiDict reads like a MultiDict and refuses every mutation", () => {
  const d = new ImmutableMultiDict([["a", "1"], ["a", "2"], ["b", "3"]]);
  assert.ok(d instanceof MultiDict);
  assert.deepEqual(d.getlist("a"), ["1", "2"]);
  assert.deepEqual([...d], [["a", "1"], ["a", "2"], ["b", "3"]]);
  for (
    const mutate of [
      () => d.add("a", "x"),
      () => d.set("a", "x"),
      () => d.setlist("a", ["x"]),
      () => d.setdefault("c", "x"),
      () => d.delete("a"),
      () => d.pop("a"),
      () => d.poplist("a"),
      () => d.clear(),
      () => d.update([["a", "x"]]),
    ]
  ) assert.throws(mutate, TypeError);
  assert.deepEqual(d.toDict({ flat: false }), { a: ["1", "2"], b: ["3"] });
  const copy = d.copy();
  copy.add("a", "x");
  assert.deepEqual(copy.getlist("a"), ["1", "2", "x"]);
  assert.deepEqual(new ImmutableMultiDict({ k: ["v", "w"] }).getlist("k"), ["v", "w"]);
});
