// TaggedJSONSerializer. The FLASK strings were recorded from Flask 3.1.3's
// flask.json.tag.TaggedJSONSerializer().dumps inside an app context (where Flask's
// DefaultJSONProvider sorts keys, as it does when a request saves the session).
import assert from "node:assert/strict";
import { JSONTag, TaggedJSONSerializer } from "../../framework/app/tagged_json.ts";

const FLASK: Record<string, string> = {
  "nested":
    '{"a":{"c":true,"z":[1,2,{"y":null}]},"b":1,"ctl":"\\u0000\\u001f\\u007f\\n\\"\\\\","emoji":"\\ud83d\\ude00","\\u00e9":"\\u00fcn\\u00ef"}',
  "bytes": '{"raw":{" b":"AAH/aGVsbG8="}}',
  "date": '{"when":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}',
  "tuple": '{" t":[1,"a"]}',
  "uuid": '{" u":"12345678123456781234567812345678"}',
  "markup": '{" m":"<b>hi</b>"}',
  "di": '{" di":{" t__":[1,2]}}',
  "di_nested": '{" di":{" di__":{" di":{" b__":{" b":"eA=="}}}}}',
  "floats": "[1.5,0.1,1e-05,2.5e-07,-3.25,123456.789]",
  "bigint": "1000000000000000000000",
  "order": '{"10":6,"9":7,"B":3,"a":2,"b":1,"\\uffff":4,"\\ud83d\\ude00":5}',
};

const s = new TaggedJSONSerializer();

Deno.test("TaggedJSONSerializer.dumps sorts keys and escapes non-ASCII as Flask does", () => {
  const value = {
    b: 1,
    a: { z: [1, 2, { y: null }], c: true },
    "é": "ünï",
    emoji: "😀",
    ctl: '\x00\x1f\x7f\n"\\',
  };
  assert.equal(s.dumps(value), FLASK.nested);
  assert.deepEqual(s.loads(FLASK.nested!), value);
});

Deno.test("TaggedJSONSerializer.dumps orders keys by code point like Python's sort", () => {
  const value = { b: 1, a: 2, B: 3, "\uffff": 4, "😀": 5, "10": 6, "9": 7 };
  assert.equal(s.dumps(value), FLASK.order);
});

Deno.test("TaggedJSONSerializer carries Uint8Array as base64 bytes", () => {
  const raw = new Uint8Array([0, 1, 255, ...new TextEncoder().encode("hello")]);
  assert.equal(s.dumps({ raw }), FLASK.bytes);
  assert.deepEqual(s.loads(FLASK.bytes!), { raw });
});

Deno.test("TaggedJSONSerializer carries Date as an HTTP date, whole seconds in UTC", () => {
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  assert.equal(s.dumps({ when: new Date(when.getTime() + 678) }), FLASK.date);
  assert.deepEqual(s.loads(FLASK.date!), { when });
  assert.deepEqual(s.loads('{" d":"not a date"}'), null);
});

Deno.test("TaggedJSONSerializer loads Flask's tuple, UUID and Markup tags", () => {
  assert.deepEqual(s.loads(FLASK.tuple!), [1, "a"]);
  assert.equal(s.loads(FLASK.uuid!), "12345678-1234-5678-1234-567812345678");
  assert.equal(s.loads(FLASK.markup!), "<b>hi</b>");
});

Deno.test("TaggedJSONSerializer.dumps writes objects with __html__ under the Markup tag", () => {
  class Markup {
    constructor(private text: string) {}
    __html__(): string {
      return this.text;
    }
  }
  assert.equal(s.dumps(new Markup("<b>hi</b>")), FLASK.markup);
});

Deno.test("TaggedJSONSerializer escapes objects whose only key is a tag", () => {
  assert.equal(s.dumps({ " t": [1, 2] }), FLASK.di);
  assert.deepEqual(s.loads(FLASK.di!), { " t": [1, 2] });
  const nested = { " di": { " b": new TextEncoder().encode("x") } };
  assert.equal(s.dumps(nested), FLASK.di_nested);
  assert.deepEqual(s.loads(FLASK.di_nested!), nested);
});

Deno.test("TaggedJSONSerializer writes floats as Python's repr and big integers in full", () => {
  assert.equal(s.dumps([1.5, 0.1, 1e-5, 2.5e-7, -3.25, 123456.789]), FLASK.floats);
  assert.equal(s.dumps(10n ** 21n), FLASK.bigint);
  // Python writes the float 1.0 as "1.0"; JavaScript cannot tell it from the integer 1.
  assert.equal(s.dumps(1.0), "1");
  assert.equal(s.loads("1.0"), 1);
});

Deno.test("TaggedJSONSerializer round-trips nested values with every tag", () => {
  const value = {
    user: { id: 7, roles: ["a", "b"], seen: new Date(Date.UTC(2020, 5, 1)) },
    blobs: [new Uint8Array([1, 2, 3]), new Uint8Array()],
    " d": "not a tag when there are other keys",
    other: 1,
  };
  assert.deepEqual(s.loads(s.dumps(value)), value);
});

Deno.test("TaggedJSONSerializer follows JSON.stringify for undefined and toJSON", () => {
  assert.equal(s.dumps({ a: undefined, b: [undefined] }), '{"b":[null]}');
  const when = new Date(0);
  assert.equal(
    s.dumps({ x: { toJSON: () => ({ when }) } }),
    '{"x":{"when":{" d":"Thu, 01 Jan 1970 00:00:00 GMT"}}}',
  );
});

Deno.test("TaggedJSONSerializer.dumps refuses what JSON cannot hold with a TypeError", () => {
  assert.throws(() => s.dumps(new (class Foo {})()), { name: "TypeError", message: /Foo/ });
  assert.throws(() => s.dumps({ f: () => 1 }), TypeError);
  // A bare undefined is written as None would be, as the JSON provider does.
  assert.equal(s.dumps(undefined), "null");
});

Deno.test("TaggedJSONSerializer writes and reads NaN and Infinity as Flask does", () => {
  // Recorded from Flask 3.1 (TaggedJSONSerializer in an app context).
  assert.equal(s.dumps({ n: NaN, i: Infinity }), '{"i":Infinity,"n":NaN}');
  const back = s.loads('{"n":NaN}') as { n: number };
  assert.ok(Number.isNaN(back.n));
});

Deno.test("TaggedJSONSerializer.loads rejects malformed JSON and malformed tags", () => {
  assert.throws(() => s.loads("{"), SyntaxError);
  assert.throws(() => s.loads('{" b":5}'), SyntaxError);
  assert.throws(() => s.loads('{" b":"abc"}'), SyntaxError);
  assert.throws(() => s.loads('{" u":"xyz"}'), SyntaxError);
  assert.throws(() => s.loads('{" t":5}'), SyntaxError);
  assert.throws(() => s.loads('{" di":5}'), SyntaxError);
});

Deno.test("TaggedJSONSerializer keeps a __proto__ key as data", () => {
  const value = s.loads('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(Object.keys(value), ["__proto__"]);
  assert.equal(s.dumps(value), '{"__proto__":{"polluted":1}}');
  const single = s.loads('{" di":{"__proto____":1}}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(single), ["__proto__"]);
});

Deno.test("TaggedJSONSerializer.register adds tags and refuses duplicate keys", () => {
  class TagSet extends JSONTag {
    override key = " set";
    check(v: unknown): boolean {
      return v instanceof Set;
    }
    toJSON(v: unknown): unknown {
      return [...(v as Set<unknown>)].map((item) => this.serializer.tag(item));
    }
    toPython(v: unknown): unknown {
      return new Set(v as unknown[]);
    }
  }
  const custom = new TaggedJSONSerializer();
  custom.register(TagSet, { index: 0 });
  assert.equal(custom.dumps({ s: new Set([1]) }), '{"s":{" set":[1]}}');
  assert.deepEqual(custom.loads('{"s":{" set":[1]}}'), { s: new Set([1]) });
  assert.throws(() => custom.register(TagSet), { name: "TypeError", message: /force/ });
  custom.register(TagSet, { force: true });
});
