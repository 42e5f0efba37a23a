import assert from "node:assert/strict";
import {
  camelCaseName,
  parseConverterArgs,
  tokenizeRule,
} from "../../framework/routing/rule_parser.ts";

// Expectations recorded from Werkzeug 3.1's `parse_converter_args` (keyword names then
// turned into camelCase, phial's spelling).
const ARGUMENT_CASES: [string, unknown[], Record<string, unknown>][] = [
  ["1", [1], {}],
  ["1, 2", [1, 2], {}],
  ["min=1, max=99", [], { min: 1, max: 99 }],
  ["fixed_digits=4", [], { fixedDigits: 4 }],
  ["fixedDigits=4", [], { fixedDigits: 4 }],
  ["length=2", [], { length: 2 }],
  ['about, "help me"', ["about", "help me"], {}],
  ["'a,b', c", ["a,b", "c"], {}],
  ["signed=True", [], { signed: true }],
  ["True, False, None", [true, false, null], {}],
  ["2.5", [2.5], {}],
  ['u"x"', ["x"], {}],
  ["x=1.5, y=abc", [], { x: 1.5, y: "abc" }],
  ["  a ,  b  ", ["a", "b"], {}],
  ["1_000", [1000], {}],
  ["inf", [Infinity], {}],
  ["1x2", ["1x2"], {}],
  ["@", [], {}],
  ["x, @", ["x"], {}],
];

for (const [text, args, kwargs] of ARGUMENT_CASES) {
  Deno.test(`parseConverterArgs reads ${JSON.stringify(text)} as Werkzeug does`, () => {
    assert.deepStrictEqual(parseConverterArgs(text), [args, kwargs]);
  });
}

for (const [text, bad] of [["-1", "-"], ["a=b=c", "a="]] as const) {
  Deno.test(`parseConverterArgs rejects ${JSON.stringify(text)} naming the bad piece`, () => {
    assert.throws(() => parseConverterArgs(text), {
      name: "TypeError",
      message: `Cannot parse converter argument ${JSON.stringify(bad)}`,
    });
  });
}

Deno.test("camelCaseName turns Werkzeug's snake_case argument names into camelCase", () => {
  assert.equal(camelCaseName("fixed_digits"), "fixedDigits");
  assert.equal(camelCaseName("minlength"), "minlength");
  assert.equal(camelCaseName("fixedDigits"), "fixedDigits");
});

Deno.test("tokenizeRule splits slashes, static text and placeholders", () => {
  assert.deepStrictEqual(tokenizeRule("/user/<int(min=1, max=99):id>.json/<name>"), [
    { kind: "slash" },
    { kind: "static", text: "user" },
    { kind: "slash" },
    { kind: "variable", converter: "int", args: "min=1, max=99", name: "id" },
    { kind: "static", text: ".json" },
    { kind: "slash" },
    { kind: "variable", converter: "default", args: null, name: "name" },
  ]);
});

Deno.test("tokenizeRule keeps a ')' inside quoted converter arguments", () => {
  assert.deepStrictEqual(tokenizeRule('/<any("a)b", c):x>'), [
    { kind: "slash" },
    { kind: "variable", converter: "any", args: '"a)b", c', name: "x" },
  ]);
});

const MALFORMED: [string, string][] = [
  ["/<id", 'Cannot parse rule: malformed variable "<id" at position 1 in "/<id"'],
  ["/<1abc>", 'Cannot parse rule: malformed variable "<1abc>" at position 1 in "/<1abc>"'],
  ["/a/<int:>", 'Cannot parse rule: malformed variable "<int:>" at position 3 in "/a/<int:>"'],
  ["/<a b>", 'Cannot parse rule: malformed variable "<a b>" at position 1 in "/<a b>"'],
];
for (const [rule, message] of MALFORMED) {
  Deno.test(`tokenizeRule rejects ${JSON.stringify(rule)} with a message naming the rule`, () => {
    assert.throws(() => tokenizeRule(rule), { name: "TypeError", message });
  });
}
