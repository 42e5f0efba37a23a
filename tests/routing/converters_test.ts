import assert from "node:assert/strict";
import {
  AnyConverter,
  BaseConverter,
  DEFAULT_CONVERTERS,
  FloatConverter,
  IntegerConverter,
  isPartIsolating,
  Map as UrlMap,
  PathConverter,
  Rule,
  UnicodeConverter,
  UUIDConverter,
  ValidationError,
} from "../../framework/routing/mod.ts";
import { pyFloatRepr } from "../../framework/http/python_text.ts";

Deno.test("Map registers the built-in converters under Werkzeug's names", () => {
  const map = new UrlMap();
  assert.deepStrictEqual(Object.keys(DEFAULT_CONVERTERS).sort(), [
    "any",
    "default",
    "float",
    "int",
    "path",
    "string",
    "uuid",
  ]);
  assert.equal(map.converters.default, UnicodeConverter);
  assert.equal(map.converters.string, UnicodeConverter);
  assert.equal(map.converters.int, IntegerConverter);
  assert.equal(map.converters.float, FloatConverter);
  assert.equal(map.converters.path, PathConverter);
  assert.equal(map.converters.uuid, UUIDConverter);
  assert.equal(map.converters.any, AnyConverter);
});

// [converter, regex, weight, partIsolating] as Werkzeug 3.1 sets them.
const SHAPES: [BaseConverter, string, number, boolean][] = [
  [new BaseConverter(null), "[^/]+", 100, true],
  [new UnicodeConverter(null), "[^/]{1,}", 100, true],
  [new UnicodeConverter(null, { length: 2 }), "[^/]{2}", 100, true],
  [new UnicodeConverter(null, { minlength: 2, maxlength: 5 }), "[^/]{2,5}", 100, true],
  [new PathConverter(null), "[^/].*?", 200, false],
  [new IntegerConverter(null), "\\d+", 50, true],
  [new IntegerConverter(null, { signed: true }), "-?\\d+", 50, true],
  [new FloatConverter(null), "\\d+\\.\\d+", 50, true],
  [new FloatConverter(null, { signed: true }), "-?\\d+\\.\\d+", 50, true],
  [
    new UUIDConverter(null),
    "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
    100,
    true,
  ],
];
for (const [converter, regex, weight, isolating] of SHAPES) {
  Deno.test(`${converter.constructor.name} ${regex} has Werkzeug's regex, weight and isolation`, () => {
    assert.equal(converter.regex, regex);
    assert.equal(converter.weight, weight);
    assert.equal(isPartIsolating(converter), isolating);
  });
}

Deno.test("a custom converter whose regex holds a slash spans segments, as in Werkzeug", () => {
  class Slashy extends BaseConverter {
    override regex = "[a-z]+/[a-z]+";
  }
  assert.equal(isPartIsolating(new Slashy(null)), false);
  const urls = new UrlMap([new Rule("/s/<slashy:v>/end", { endpoint: "s" })], {
    converters: { slashy: Slashy },
  }).bind("example.com");
  assert.deepStrictEqual(urls.match("/s/ab/cd/end"), ["s", { v: "ab/cd" }]);
});

Deno.test("a converter is constructed as new C(map, ...positional, keywords)", () => {
  const seen: unknown[][] = [];
  class Spy extends BaseConverter {
    constructor(map: unknown, ...args: unknown[]) {
      super(map);
      seen.push([map, ...args]);
    }
  }
  const map = new UrlMap([
    new Rule("/a/<spy:x>", { endpoint: "a" }),
    new Rule("/b/<spy(1, 'two'):x>", { endpoint: "b" }),
    new Rule('/c/<spy(1, flag=True, max_size=3, label="x y"):x>', { endpoint: "c" }),
  ], { converters: { spy: Spy } });
  assert.deepStrictEqual(seen, [
    [map],
    [map, 1, "two"],
    [map, 1, { flag: true, maxSize: 3, label: "x y" }],
  ]);
});

Deno.test("IntegerConverter takes its arguments positionally or as keywords", () => {
  const positional = new IntegerConverter(null, 4, 1, 9999, true);
  assert.deepStrictEqual(
    [positional.fixedDigits, positional.min, positional.max, positional.signed],
    [4, 1, 9999, true],
  );
  const keywords = new IntegerConverter(null, { fixedDigits: 4, max: 10 });
  assert.deepStrictEqual([keywords.fixedDigits, keywords.min, keywords.max], [4, null, 10]);
});

Deno.test("IntegerConverter.toValue checks digits, min and max; toUrl pads", () => {
  const c = new IntegerConverter(null, { fixedDigits: 3, min: 5, max: 500 });
  assert.equal(c.toValue("007"), 7);
  assert.throws(() => c.toValue("07"), ValidationError);
  assert.throws(() => c.toValue("004"), ValidationError);
  assert.throws(() => c.toValue("501"), ValidationError);
  assert.equal(c.toUrl(7), "007");
  assert.equal(c.toUrl("42"), "042");
  assert.equal(c.toUrl(7.9), "007");
  assert.equal(new IntegerConverter(null, { fixedDigits: 3 }).toUrl(-5), "-05");
  assert.throws(() => c.toUrl("abc"), TypeError);
});

// Python's repr(float(x)), recorded from python3.
const FLOAT_REPRS: [number, string][] = [
  [2, "2.0"],
  [2.5, "2.5"],
  [0.1, "0.1"],
  [1e16, "1e+16"],
  [1e15, "1000000000000000.0"],
  [123456789012345.6, "123456789012345.6"],
  [1.5e-5, "1.5e-05"],
  [0.0001, "0.0001"],
  [0.00012, "0.00012"],
  [-0.5, "-0.5"],
  [1e22, "1e+22"],
  [1 / 3, "0.3333333333333333"],
  [5e-324, "5e-324"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [-0, "-0.0"],
  [100, "100.0"],
  [1e-7, "1e-07"],
  [12345.678, "12345.678"],
];
for (const [x, repr] of FLOAT_REPRS) {
  Deno.test(`FloatConverter builds ${x} as Python prints it: ${repr}`, () => {
    assert.equal(pyFloatRepr(x), repr);
    if (x >= 0 && !Object.is(x, -0)) assert.equal(new FloatConverter(null).toUrl(x), repr);
  });
}

Deno.test("FloatConverter.toValue parses and checks min/max", () => {
  const c = new FloatConverter(null, { min: 0.5, max: 9.5 });
  assert.equal(c.toValue("1.25"), 1.25);
  assert.throws(() => c.toValue("0.25"), ValidationError);
  assert.throws(() => c.toValue("9.75"), ValidationError);
  assert.equal(c.toUrl("3"), "3.0");
});

Deno.test("UUIDConverter gives and builds lowercase strings", () => {
  const c = new UUIDConverter(null);
  assert.equal(
    c.toValue("4F2A0C3E-1B2C-4D5E-8F90-A1B2C3D4E5F6"),
    "4f2a0c3e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
  );
  assert.equal(
    c.toUrl("4F2A0C3E-1B2C-4D5E-8F90-A1B2C3D4E5F6"),
    "4f2a0c3e-1b2c-4d5e-8f90-a1b2c3d4e5f6",
  );
});

Deno.test("AnyConverter.toUrl refuses a value it does not list, naming the valid ones", () => {
  const c = new AnyConverter(null, "help", "about");
  assert.equal(c.toUrl("help"), "help");
  assert.throws(() => c.toUrl("nope"), {
    name: "TypeError",
    message: "'nope' is not one of 'about', 'help'",
  });
});

Deno.test("BaseConverter.toUrl percent-encodes like Werkzeug's path segments", () => {
  const c = new BaseConverter(null);
  assert.equal(c.toUrl("a b/ü?#%"), "a%20b/%C3%BC%3F%23%25");
  assert.equal(c.toUrl("!$&'()*+,/:;=@"), "!$&'()*+,/:;=@");
  assert.equal(c.toUrl(true), "True");
  assert.equal(c.toUrl(1.5), "1.5");
});

Deno.test("a converter's toValue throwing ValidationError makes the URL a 404", () => {
  class Upper extends BaseConverter {
    override toValue(value: string): string {
      if (value !== value.toUpperCase()) throw new ValidationError();
      return value;
    }
  }
  const urls = new UrlMap([new Rule("/c/<upper:code>", { endpoint: "c" })], {
    converters: { upper: Upper },
  }).bind("example.com");
  assert.deepStrictEqual(urls.match("/c/ABC"), ["c", { code: "ABC" }]);
  assert.deepStrictEqual(urls.matchResult("/c/abc"), { code: 404 });
});

Deno.test("a map's converters may replace a built-in", () => {
  class HexInt extends BaseConverter {
    override regex = "[0-9a-f]+";
    override toValue(value: string): number {
      return parseInt(value, 16);
    }
  }
  const urls = new UrlMap([new Rule("/n/<int:n>", { endpoint: "n" })], {
    converters: { int: HexInt },
  }).bind("example.com");
  assert.deepStrictEqual(urls.match("/n/ff"), ["n", { n: 255 }]);
});

const DEFINITION_ERRORS: [string, string][] = [
  ["/<intt:id>", 'Cannot parse rule: unknown converter "intt" in "/<intt:id>"'],
  [
    "/<int(foo=1):x>",
    'Cannot parse rule: converter "int" for <x> rejected its arguments (int got an unexpected ' +
    'argument "foo" (expected one of fixedDigits, min, max, signed)) in "/<int(foo=1):x>"',
  ],
  [
    "/<a>/<int:a>",
    'Cannot parse rule: variable "a" appears twice in "/<a>/<int:a>"',
  ],
  [
    "/<int(-1):x>",
    'Cannot parse rule: Cannot parse converter argument "-" for <x> in "/<int(-1):x>"',
  ],
];
for (const [rule, message] of DEFINITION_ERRORS) {
  Deno.test(`Map.add rejects ${rule} at definition time, naming the rule`, () => {
    assert.throws(() => new UrlMap([new Rule(rule, { endpoint: "x" })]), {
      name: "TypeError",
      message,
    });
  });
}

Deno.test("Rule rejects a rule string without a leading slash", () => {
  assert.throws(() => new Rule("about", { endpoint: "about" }), {
    name: "TypeError",
    message: 'URL rule "about" must start with a slash.',
  });
});
