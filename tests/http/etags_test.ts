// ETags, table-driven from Werkzeug 3.1 (`parse_etags`, `unquote_etag`, `generate_etag`).
import assert from "node:assert/strict";
import {
  ETags,
  generateEtag,
  parseEtags,
  quoteEtag,
  unquoteEtag,
} from "../../framework/http/etags.ts";

/** [header, sorted strong tags, sorted weak tags, star_tag, bool(etags)] */
const PARSE_CASES: [string, string[], string[], boolean, boolean][] = [
  ['"abc"', ["abc"], [], false, true],
  ['W/"abc"', [], ["abc"], false, true],
  ['"a", "b", W/"c"', ["a", "b"], ["c"], false, true],
  ["*", [], [], true, true],
  ['"a", *', [], [], true, true],
  ["abc", ["abc"], [], false, true],
  ["abc, def", ["abc", "def"], [], false, true],
  ['w/"x"', [], ["x"], false, true],
  ['"a" , W/"b"  ,"c"', ["a", "c"], ["b"], false, true],
  ["", [], [], false, false],
  ['"a"b, "c"', ['a"b, "c'], [], false, true],
  [' "a"', [' "a"'], [], false, true],
  ['"a,b", "c"', ["a,b", "c"], [], false, true],
];

Deno.test("parseEtags splits strong, weak and * tags as Werkzeug's parse_etags", () => {
  for (const [header, strong, weak, star, nonEmpty] of PARSE_CASES) {
    const tags = parseEtags(header);
    const strongSet = tags.asSet();
    const weakOnly = [...tags.asSet(true)].filter((t) => !strongSet.has(t)).sort();
    assert.deepEqual([...strongSet].sort(), strong, header);
    assert.deepEqual(weakOnly, weak, header);
    assert.equal(tags.starTag, star, header);
    assert.equal(!tags.empty, nonEmpty, header);
  }
});

Deno.test("ETags contains is strong, containsWeak is weak, * contains everything", () => {
  const tags = parseEtags('"a", W/"b"');
  assert.equal(tags.contains("a"), true);
  assert.equal(tags.contains("b"), false);
  assert.equal(tags.containsWeak("b"), true);
  assert.equal(tags.isWeak("b"), true);
  assert.equal(tags.isWeak("a"), false);
  assert.equal(tags.isStrong("a"), true);
  assert.equal(tags.containsRaw('W/"b"'), true);
  assert.equal(tags.containsRaw('"b"'), false);
  assert.equal(tags.toHeader(), '"a", W/"b"');
  assert.equal(tags.size, 1);
  assert.deepEqual([...tags], ["a"]);
  const star = parseEtags("*");
  assert.equal(star.contains("anything"), true);
  assert.equal(star.containsWeak("anything"), true);
  assert.equal(star.toHeader(), "*");
  assert.equal(new ETags().empty, true);
  assert.equal(String(new ETags(["x"], ["y"])), '"x", W/"y"');
});

/** [input, unquote_etag(input)] */
const UNQUOTE_CASES: [string, [string, boolean]][] = [
  ['"x"', ["x", false]],
  ['W/"x"', ["x", true]],
  ['w/"x"', ["x", true]],
  [' "x" ', ["x", false]],
  ["x", ["x", false]],
  ['"', ["", false]],
  ["W/x", ["x", true]],
  ['""', ["", false]],
];

Deno.test("quoteEtag and unquoteEtag as Werkzeug", () => {
  for (const [input, expected] of UNQUOTE_CASES) {
    assert.deepEqual(unquoteEtag(input), expected, input);
  }
  assert.deepEqual(unquoteEtag(""), [null, null]);
  assert.deepEqual(unquoteEtag(null), [null, null]);
  assert.equal(quoteEtag("abc"), '"abc"');
  assert.equal(quoteEtag("abc", true), 'W/"abc"');
  assert.throws(() => quoteEtag('a"b'), TypeError);
});

Deno.test("generateEtag is the SHA-1 hex digest, as Werkzeug's generate_etag", () => {
  assert.equal(
    generateEtag(new TextEncoder().encode("hello")),
    "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
  );
  assert.equal(generateEtag("hello"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
  assert.equal(generateEtag(new Uint8Array()), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
});

Deno.test("parseEtags stays linear on long runs of spaces", () => {
  const header = "a" + " ".repeat(100_000) + 'b, "c"';
  const started = performance.now();
  const tags = parseEtags(header);
  assert.ok(performance.now() - started < 1000);
  assert.equal(tags.contains("c"), true);
  assert.equal(tags.size, 2);
});

Deno.test("parseEtags keeps an empty weak tag at the end, as Werkzeug", () => {
  // python: parse_etags(",W/") -> strong {""}, weak {""}
  const tags = parseEtags(",W/");
  assert.equal(tags.isStrong(""), true);
  assert.equal(tags.isWeak(""), true);
});
