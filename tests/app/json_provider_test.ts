// DefaultJSONProvider against Flask 3.1: every expected string below was recorded from
// Flask 3.1.x on Python 3.11 (`app.json.dumps(...)`, `app.json.loads(...)`, and `jsonify(...)`
// under `app.app_context()` with `app.debug` False and True) by a script kept outside the repo.
// Cases marked "phial's choice" have no Python counterpart (JavaScript-only types).
import assert from "node:assert/strict";
import { DefaultJSONProvider } from "../../framework/app/json_provider.ts";
import { Response } from "../../framework/wrappers/response.ts";

const json = new DefaultJSONProvider();
const nested = { b: 1, a: { d: [1, 2, { z: null, y: true }], c: false } };
/** MarkupSafe's Markup, reduced to what the provider looks at. */
class Markup {
  constructor(readonly html: string) {}
  __html__(): string {
    return this.html;
  }
}
const ESCAPES = "<script>&'\"\\/\n\t\r\b\f\x00\x1f\x7f\x80";

// [label, value, options, Flask's app.json.dumps(value, **options)]
const DUMPS: [string, unknown, Parameters<DefaultJSONProvider["dumps"]>[1], string][] = [
  [
    "nested dicts, sorted recursively",
    nested,
    undefined,
    '{"a": {"c": false, "d": [1, 2, {"y": true, "z": null}]}, "b": 1}',
  ],
  [
    "non-ASCII and astral characters",
    "héllo wörld ☃ 😀 \u00ff\u0100",
    undefined,
    '"h\\u00e9llo w\\u00f6rld \\u2603 \\ud83d\\ude00 \\u00ff\\u0100"',
  ],
  ["ensure_ascii=False", "héllo wörld ☃ 😀", { ensureAscii: false }, '"héllo wörld ☃ 😀"'],
  [
    "escapes; no HTML escaping",
    ESCAPES,
    undefined,
    '"<script>&\'\\"\\\\/\\n\\t\\r\\b\\f\\u0000\\u001f\\u007f\\u0080"',
  ],
  [
    "escapes with ensure_ascii=False",
    ESCAPES,
    { ensureAscii: false },
    '"<script>&\'\\"\\\\/\\n\\t\\r\\b\\f\\u0000\\u001f\x7f\x80"',
  ],
  ["a lone surrogate", "a\ud800b", undefined, '"a\\ud800b"'],
  ["empty containers", { a: [], b: {}, c: "" }, undefined, '{"a": [], "b": {}, "c": ""}'],
  ["empty containers, indented", { a: [], b: {} }, { indent: 2 }, '{\n  "a": [],\n  "b": {}\n}'],
  ["nested arrays", [[1, [2, [3, []]]], "x"], undefined, '[[1, [2, [3, []]]], "x"]'],
  ["a date", new Date(Date.UTC(2024, 0, 2)), undefined, '"Tue, 02 Jan 2024 00:00:00 GMT"'],
  [
    "datetimes, microseconds dropped",
    [
      new Date(Date.UTC(1994, 10, 6, 8, 49, 37)),
      new Date(Date.UTC(1994, 10, 6, 8, 49, 37, 999)),
    ],
    undefined,
    '["Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"]',
  ],
  [
    "numbers (ints, floats with a fraction, a big int)",
    [0, -1, 1.5, -2.75, 3.14159, 12345678901234567890n, 1e300],
    undefined,
    "[0, -1, 1.5, -2.75, 3.14159, 12345678901234567890, 1e+300]",
  ],
  ["NaN and infinities", [NaN, Infinity, -Infinity], undefined, "[NaN, Infinity, -Infinity]"],
  [
    "keys sorted by code point",
    { "\uffff": 1, "😀": 2, a: 3, B: 4, "10": 5, "9": 6, "": 7 },
    undefined,
    '{"": 7, "10": 5, "9": 6, "B": 4, "a": 3, "\\uffff": 1, "\\ud83d\\ude00": 2}',
  ],
  ["sort_keys=False", { b: 1, a: 2 }, { sortKeys: false }, '{"b": 1, "a": 2}'],
  [
    "indent=4",
    { b: [1, { c: 2 }], a: null },
    { indent: 4 },
    '{\n    "a": null,\n    "b": [\n        1,\n        {\n            "c": 2\n        }\n    ]\n}',
  ],
  [
    "indent='\\t'",
    { b: [1], a: null },
    { indent: "\t" },
    '{\n\t"a": null,\n\t"b": [\n\t\t1\n\t]\n}',
  ],
  ["indent=0", { b: [1], a: null }, { indent: 0 }, '{\n"a": null,\n"b": [\n1\n]\n}'],
  [
    "compact separators",
    { b: [1, 2], a: null },
    { separators: [",", ":"] },
    '{"a":null,"b":[1,2]}',
  ],
  ["markup (__html__)", { h: new Markup("<b>hi</b>") }, undefined, '{"h": "<b>hi</b>"}'],
  [
    "number keys (a Map), sorted numerically",
    new Map<unknown, string>([[2, "a"], [10, "b"], [
      1.5,
      "c",
    ]]),
    undefined,
    '{"1.5": "c", "2": "a", "10": "b"}',
  ],
  [
    "bool and None keys (a Map), unsorted",
    new Map<unknown, unknown>([[true, "t"], [null, "n"], [
      false,
      "f",
    ], ["s", 1]]),
    { sortKeys: false },
    '{"true": "t", "null": "n", "false": "f", "s": 1}',
  ],
  ["a top-level string", "x", undefined, '"x"'],
  ["None", null, undefined, "null"],
  ["booleans", [true, false, null], undefined, "[true, false, null]"],
];

for (const [label, value, options, expected] of DUMPS) {
  Deno.test(`DefaultJSONProvider.dumps matches Flask: ${label}`, () => {
    assert.equal(json.dumps(value, options), expected);
  });
}

Deno.test("DefaultJSONProvider.dumps refuses what Flask refuses, with Flask's message", () => {
  class User {}
  assert.throws(() => json.dumps(new User()), {
    name: "TypeError",
    message: /^Object of type User is not JSON serializable/,
  });
  assert.throws(() => json.dumps(new Uint8Array(1)), {
    message: /^Object of type Uint8Array is not JSON serializable/,
  });
  assert.throws(() => json.dumps({ f: () => 1 }), {
    message: /^Object of type function is not JSON serializable/,
  });
  // Python: ValueError "Circular reference detected".
  const loop: unknown[] = [];
  loop.push(loop);
  assert.throws(() => json.dumps(loop), { name: "TypeError", message: /^Circular reference/ });
  // Python: ValueError "Out of range float values are not JSON compliant".
  assert.throws(() => json.dumps(NaN, { allowNan: false }), {
    name: "RangeError",
    message: /^Out of range float values are not JSON compliant/,
  });
  // Python: TypeError "'<' not supported between instances of 'str' and 'int'".
  assert.throws(() => json.dumps(new Map<unknown, number>([[1, 1], ["b", 2]])), TypeError);
  assert.equal(
    json.dumps(new Map<unknown, number>([[1, 1], ["b", 2]]), { sortKeys: false }),
    '{"1": 1, "b": 2}',
  );
  assert.throws(() => json.dumps(new Map([[{}, 1]])), { message: /^Map keys must be/ });
});

Deno.test("DefaultJSONProvider.dumps: JavaScript-only values (phial's choice)", () => {
  // undefined is left out of objects and is null elsewhere, as JSON.stringify does.
  assert.equal(json.dumps({ a: undefined, b: 1 }), '{"b": 1}');
  assert.equal(json.dumps([undefined, 1]), "[null, 1]");
  assert.equal(json.dumps(undefined), "null");
  // A Set is a list in insertion order; toJSON is honoured (a Date's is not).
  assert.equal(json.dumps(new Set([3, 1])), "[3, 1]");
  assert.equal(
    json.dumps({ u: new URL("https://example.com/é") }),
    '{"u": "https://example.com/%C3%A9"}',
  );
  // One number type: integral numbers print as Python ints, others as Python's float repr.
  assert.equal(
    json.dumps([1.0, 1e-7, 1e21, 0.1, 2 ** 53]),
    "[1, 1e-07, 1e+21, 0.1, 9007199254740992.0]",
  );
  // A lone surrogate stays escaped without ensure_ascii, so the text is valid UTF-8.
  assert.equal(json.dumps("\udc00é", { ensureAscii: false }), '"\\udc00é"');
});

Deno.test("DefaultJSONProvider: default can be replaced by option, by subclass, per call", () => {
  const money = { cents: 150 };
  class Money {
    constructor(readonly cents: number) {}
  }
  const toJson = (v: unknown) =>
    v instanceof Money ? v.cents / 100 : new DefaultJSONProvider().default(v);
  assert.equal(new DefaultJSONProvider({ default: toJson }).dumps([new Money(150)]), "[1.5]");
  class MoneyProvider extends DefaultJSONProvider {
    override default(value: unknown): unknown {
      return value instanceof Money ? `${value.cents}c` : super.default(value);
    }
  }
  const provider = new MoneyProvider();
  assert.equal(
    provider.dumps({ m: new Money(150), d: new Date(0) }),
    '{"d": "Thu, 01 Jan 1970 00:00:00 GMT", "m": "150c"}',
  );
  assert.equal(json.dumps(new Money(2), { default: toJson }), "0.02");
  assert.equal(json.dumps(money), '{"cents": 150}');
  // A default that returns its argument is caught, not an endless loop.
  assert.throws(() => json.dumps(new Money(1), { default: (v) => v }), /Circular reference/);
});

Deno.test("DefaultJSONProvider attributes change dumps as Flask's do", () => {
  const provider = new DefaultJSONProvider({ sortKeys: false, ensureAscii: false });
  assert.equal(provider.dumps({ b: "é", a: 1 }), '{"b": "é", "a": 1}');
  provider.sortKeys = true;
  assert.equal(provider.dumps({ b: "é", a: 1 }), '{"a": 1, "b": "é"}');
});

Deno.test("DefaultJSONProvider rejects bad options with a TypeError", () => {
  // deno-lint-ignore no-explicit-any
  const loose = json as any;
  assert.throws(() => loose.dumps(1, { indent: true }), TypeError);
  assert.throws(() => loose.dumps(1, { separators: [","] }), TypeError);
  assert.throws(() => loose.dumps(1, { default: "str" }), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new DefaultJSONProvider(null as any), TypeError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => new DefaultJSONProvider({ default: 1 as any }), TypeError);
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function encode(text: string, encoding: "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be") {
  const codePoints = [...text].map((c) => c.codePointAt(0)!);
  const out: number[] = [];
  for (const cp of codePoints) {
    if (encoding.startsWith("utf-32")) {
      const b = [cp >>> 24, (cp >>> 16) & 255, (cp >>> 8) & 255, cp & 255];
      out.push(...(encoding === "utf-32le" ? b.reverse() : b));
    } else {
      for (const u of String.fromCodePoint(cp).split("").map((c) => c.charCodeAt(0))) {
        out.push(...(encoding === "utf-16le" ? [u & 255, u >> 8] : [u >> 8, u & 255]));
      }
    }
  }
  return new Uint8Array(out);
}

Deno.test("DefaultJSONProvider.loads reads what Flask's loads reads", () => {
  assert.deepEqual(
    json.loads(' {"a": [1, 2.5, -3e2, true, false, null, "\\u00e9\\ud83d\\ude00\\n"]} '),
    { a: [1, 2.5, -300, true, false, null, "é😀\n"] },
  );
  assert.deepEqual(json.loads("[NaN, Infinity, -Infinity]"), [NaN, Infinity, -Infinity]);
  // Bytes: UTF-8 (a BOM skipped), UTF-16 and UTF-32 by BOM or by their zero bytes.
  assert.deepEqual(json.loads(enc('\ufeff["é"]')), ["é"]);
  assert.deepEqual(json.loads(encode('\ufeff["é😀"]', "utf-16le")), ["é😀"]);
  assert.deepEqual(json.loads(encode('\ufeff["é😀"]', "utf-16be")), ["é😀"]);
  assert.deepEqual(json.loads(encode('["é"]', "utf-16le")), ["é"]);
  assert.deepEqual(json.loads(encode('["é"]', "utf-16be")), ["é"]);
  assert.deepEqual(json.loads(encode('\ufeff["é😀"]', "utf-32le")), ["é😀"]);
  assert.deepEqual(json.loads(encode("[1]", "utf-32le")), [1]);
  assert.deepEqual(json.loads(encode("[1]", "utf-32be")), [1]);
  // A "__proto__" key is an own property, as with JSON.parse.
  const parsed = json.loads('{"__proto__": {"x": 1}, "n": NaN}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ["__proto__", "n"]);
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
});

// [input, Python's JSONDecodeError message]
const BAD_JSON: [string, string][] = [
  ["", "Expecting value: line 1 column 1 (char 0)"],
  [" ", "Expecting value: line 1 column 2 (char 1)"],
  ["[1,]", "Expecting value: line 1 column 4 (char 3)"],
  ['{"a":1,}', "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"],
  ["{'a':1}", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"],
  ["[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"],
  ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
  ["01", "Extra data: line 1 column 2 (char 1)"],
  ["[1]x", "Extra data: line 1 column 4 (char 3)"],
  ['"abc', "Unterminated string starting at: line 1 column 1 (char 0)"],
  ['"a\x01"', "Invalid control character at: line 1 column 3 (char 2)"],
  ['"\\x"', "Invalid \\escape: line 1 column 2 (char 1)"],
  ['"\\u12"', "Invalid \\uXXXX escape: line 1 column 3 (char 2)"],
  ["-NaN", "Expecting value: line 1 column 1 (char 0)"],
  ["+1", "Expecting value: line 1 column 1 (char 0)"],
  ["nul", "Expecting value: line 1 column 1 (char 0)"],
  ["[", "Expecting value: line 1 column 2 (char 1)"],
  ["{", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"],
  ['{"a":', "Expecting value: line 1 column 6 (char 5)"],
  ["1.", "Extra data: line 1 column 2 (char 1)"],
  [".5", "Expecting value: line 1 column 1 (char 0)"],
  ["1e", "Extra data: line 1 column 2 (char 1)"],
  ["tru", "Expecting value: line 1 column 1 (char 0)"],
];

for (const [input, message] of BAD_JSON) {
  Deno.test(`DefaultJSONProvider.loads(${JSON.stringify(input)}) fails as Python does`, () => {
    assert.throws(() => json.loads(input), { name: "SyntaxError", message });
  });
}

Deno.test("DefaultJSONProvider.loads reports lines and columns past a newline", () => {
  // Python: json.loads('[1,\n  2,\n  ]') -> line 3 column 3 (char 11)
  assert.throws(() => json.loads("[1,\n  2,\n  ]"), {
    message: "Expecting value: line 3 column 3 (char 11)",
  });
});

Deno.test("DefaultJSONProvider.loads refuses a BOM in text, bad bytes, and non-text", () => {
  assert.throws(() => json.loads("\ufeff[1]"), {
    name: "SyntaxError",
    message: /^Unexpected UTF-8 BOM .*: line 1 column 1 \(char 0\)$/,
  });
  assert.throws(() => json.loads(new Uint8Array([0x5b, 0x22, 0xff, 0x22, 0x5d])), SyntaxError);
  // deno-lint-ignore no-explicit-any
  assert.throws(() => json.loads(42 as any), { name: "TypeError", message: /not number$/ });
});

// [label, args, Flask's body with debug False, with debug True]
const JSONIFY: [string, unknown[], string, string][] = [
  ["no arguments", [], "null\n", "null\n"],
  [
    "one object",
    [nested],
    '{"a":{"c":false,"d":[1,2,{"y":true,"z":null}]},"b":1}\n',
    '{\n  "a": {\n    "c": false,\n    "d": [\n      1,\n      2,\n      {\n        "y": true,\n        "z": null\n      }\n    ]\n  },\n  "b": 1\n}\n',
  ],
  [
    "several arguments",
    [1, "two", [3]],
    '[1,"two",[3]]\n',
    '[\n  1,\n  "two",\n  [\n    3\n  ]\n]\n',
  ],
  [
    "keyword arguments as an object",
    [{ b: 1, a: "é" }],
    '{"a":"\\u00e9","b":1}\n',
    '{\n  "a": "\\u00e9",\n  "b": 1\n}\n',
  ],
  ["an empty list", [[]], "[]\n", "[]\n"],
  ["an empty dict", [{}], "{}\n", "{}\n"],
  ["a string", ["é😀<>"], '"\\u00e9\\ud83d\\ude00<>"\n', '"\\u00e9\\ud83d\\ude00<>"\n'],
  [
    "a list",
    [[{ b: 2, a: 1 }, [], {}]],
    '[{"a":1,"b":2},[],{}]\n',
    '[\n  {\n    "a": 1,\n    "b": 2\n  },\n  [],\n  {}\n]\n',
  ],
];

for (const [label, args, compact, indented] of JSONIFY) {
  for (const [debug, body] of [[false, compact], [true, indented]] as const) {
    Deno.test(`DefaultJSONProvider.response matches jsonify, debug ${debug}: ${label}`, async () => {
      const response = new DefaultJSONProvider({ debug }).response(...args);
      assert.ok(response instanceof Response);
      assert.equal(response.status, "200 OK");
      assert.deepEqual([...response.headers], [
        ["Content-Type", "application/json"],
        ["Content-Length", String(enc(body).length)],
      ]);
      assert.equal(await response.getData({ asText: true }), body);
    });
  }
}

Deno.test("DefaultJSONProvider.response: compact overrides debug, read when responding", async () => {
  let debug = false;
  const provider = new DefaultJSONProvider({ debug: () => debug });
  assert.equal(await provider.response({ a: 1 }).getData({ asText: true }), '{"a":1}\n');
  debug = true;
  assert.equal(await provider.response({ a: 1 }).getData({ asText: true }), '{\n  "a": 1\n}\n');
  provider.compact = true; // Flask: debug True, compact True
  assert.equal(await provider.response({ a: 1 }).getData({ asText: true }), '{"a":1}\n');
  provider.compact = false;
  provider.debug = false; // Flask: debug False, compact False
  assert.equal(await provider.response({ a: 1 }).getData({ asText: true }), '{\n  "a": 1\n}\n');
});

Deno.test("DefaultJSONProvider.response uses the given mimetype and response class", () => {
  class AppResponse extends Response {}
  const provider = new DefaultJSONProvider({
    mimetype: "application/vnd.api+json",
    responseClass: AppResponse,
  });
  const response = provider.response([1]);
  assert.ok(response instanceof AppResponse);
  assert.equal(response.headers.get("Content-Type"), "application/vnd.api+json");
});
