// Header value syntax, table-driven from Werkzeug 3.1's `werkzeug.http` helpers (python3).
import assert from "node:assert/strict";
import {
  dumpHeader,
  dumpOptionsHeader,
  type HeaderParam,
  parseDictHeader,
  parseListHeader,
  parseOptionsHeader,
  quoteHeaderValue,
  unquoteHeaderValue,
} from "../../framework/http/header_values.ts";

/** [value, parse_options_header(value)] */
const OPTIONS_CASES: [string, [string, Record<string, string>]][] = [
  ["text/html; charset=UTF-8", ["text/html", { "charset": "UTF-8" }]],
  ["text/html", ["text/html", {}]],
  ["", ["", {}]],
  ["  text/plain ;  ", ["text/plain", {}]],
  ["text/html; Charset=utf-8; q=1", ["text/html", { "charset": "utf-8", "q": "1" }]],
  ['form-data; name="file"; filename="a b.txt"', ["form-data", {
    "name": "file",
    "filename": "a b.txt",
  }]],
  ['form-data; name="f\\"x"; filename="C:\\\\a.txt"', ["form-data", {
    "name": 'f"x',
    "filename": "C:\\a.txt",
  }]],
  ['form-data; filename="a%22b.txt"', ["form-data", { "filename": 'a"b.txt' }]],
  ["attachment; filename*=UTF-8''%E2%82%AC%20rates.txt", ["attachment", {
    "filename": "€ rates.txt",
  }]],
  ["attachment; filename*=iso-8859-1'en'%A3%20rates", ["attachment", { "filename": "£ rates" }]],
  ["attachment; filename*=bad''%E2%82%AC", ["attachment", { "filename": "%E2%82%AC" }]],
  ['attachment; filename*0="foo."; filename*1="html"', ["attachment", { "filename": "foo.html" }]],
  ["attachment; filename*0*=UTF-8''foo-%c3%a4; filename*1*=-%c3%a4.html", ["attachment", {
    "filename": "foo-ä-ä.html",
  }]],
  ["a; b", ["a", {}]],
  ["a; =c; d=e", ["a", { "d": "e" }]],
  ['a; b="unterminated', ["a", {}]],
  ["a;b=c;;d=e", ["a", { "b": "c", "d": "e" }]],
  ['a; b="c;d"; e=f', ["a", { "b": "c;d", "e": "f" }]],
  ["; charset=x", ["", {}]],
  ["a; b=c d; e=f", ["a", { "b": "c", "e": "f" }]],
  ["multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", ["multipart/form-data", {
    "boundary": "----WebKitFormBoundary7MA4YWxkTrZu0gW",
  }]],
];

Deno.test("parseOptionsHeader matches Werkzeug (quotes, %22, RFC 2231, continuations)", () => {
  for (const [value, expected] of OPTIONS_CASES) {
    assert.deepEqual(parseOptionsHeader(value), expected, value);
  }
  assert.deepEqual(parseOptionsHeader(null), ["", {}]);
  // python: parse_options_header("a; __proto__=x") == ("a", {"__proto__": "x"}): a plain key.
  const [, params] = parseOptionsHeader("a; __proto__=x");
  assert.deepEqual(Object.keys(params), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
});

/** [value, parse_list_header(value)] */
const LIST_CASES: [string, string[]][] = [
  ['token, "quoted value"', ["token", "quoted value"]],
  ["a, b,, c ,", ["a", "b", "c"]],
  ['"a, b", c', ["a, b", "c"]],
  ['"unclosed, x', []],
  ['a"b"c, d', ['a"b"c', "d"]],
  ["", []],
  [" , ", []],
  ['"x\\"y", z', ['x"y', "z"]],
  ['a="b, c", d', ['a="b, c"', "d"]],
];

Deno.test("parseListHeader matches Werkzeug", () => {
  for (const [value, expected] of LIST_CASES) {
    assert.deepEqual(parseListHeader(value), expected, value);
  }
});

/** [value, parse_dict_header(value)] */
const DICT_CASES: [string, Record<string, string | null>][] = [
  ['a=b, c="d, e", f', { "a": "b", "c": "d, e", "f": null }],
  ['foo="is a fish", bar="as well"', { "foo": "is a fish", "bar": "as well" }],
  ["key without value", { "key without value": null }],
  ["=x, y=1", { "y": "1" }],
  ["title*=UTF-8''%E2%82%AC", { "title": "€" }],
  ["a=1, a=2", { "a": "2" }],
  ['"unclosed', {}],
  ['a = b , c= "d"', { "a": "b", "c": "d" }],
];

Deno.test("parseDictHeader matches Werkzeug", () => {
  for (const [value, expected] of DICT_CASES) {
    assert.deepEqual(parseDictHeader(value), expected, value);
  }
});

/** [value, quote_header_value(value), quote_header_value(value, allow_token=False)] */
const QUOTE_CASES: [string, string, string][] = [
  ["foo", "foo", '"foo"'],
  ["foo bar", '"foo bar"', '"foo bar"'],
  ["", '""', '""'],
  ['a"b', '"a\\"b"', '"a\\"b"'],
  ["a\\b", '"a\\\\b"', '"a\\\\b"'],
  ["a/b", '"a/b"', '"a/b"'],
  ["é", '"é"', '"é"'],
];

/** [value, unquote_header_value(value)] */
const UNQUOTE_CASES: [string, string][] = [
  ['"foo"', "foo"],
  ["foo", "foo"],
  ['"a\\"b"', 'a"b'],
  ['"a\\\\b"', "a\\b"],
  ['"', '"'],
  ['""', ""],
  ['"a\\b"', "ab"],
  ['"unterminated', '"unterminated'],
];

Deno.test("quoteHeaderValue / unquoteHeaderValue match Werkzeug", () => {
  for (const [value, quoted, forced] of QUOTE_CASES) {
    assert.equal(quoteHeaderValue(value), quoted, value);
    assert.equal(quoteHeaderValue(value, false), forced, value);
    assert.equal(unquoteHeaderValue(quoted), value);
  }
  for (const [value, expected] of UNQUOTE_CASES) {
    assert.equal(unquoteHeaderValue(value), expected, value);
  }
});

/** [header, options, dump_options_header(header, options)] */
const DUMP_OPTIONS_CASES: [string | null, Record<string, HeaderParam>, string][] = [
  ["text/html", { "charset": "utf-8" }, "text/html; charset=utf-8"],
  ["attachment", { "filename": "my file.txt" }, 'attachment; filename="my file.txt"'],
  ["x", { "a": null, "b": "c" }, "x; b=c"],
  ["x", { "filename*": "UTF-8''%E2%82%AC" }, "x; filename*=UTF-8''%E2%82%AC"],
  [null, { "a": "1" }, "a=1"],
  ["x", { "e": "" }, 'x; e=""'],
];

/** [items, dump_header(items)] */
const DUMP_CASES: [string[] | Record<string, HeaderParam>, string][] = [
  [["foo", "bar baz"], 'foo, "bar baz"'],
  [{ "foo": "bar baz" }, 'foo="bar baz"'],
  [{ "a": null, "b": "1" }, "a, b=1"],
  [[], ""],
];

Deno.test("dumpOptionsHeader / dumpHeader match Werkzeug", () => {
  for (const [header, options, expected] of DUMP_OPTIONS_CASES) {
    assert.equal(dumpOptionsHeader(header, options), expected);
  }
  for (const [items, expected] of DUMP_CASES) assert.equal(dumpHeader(items), expected);
});
