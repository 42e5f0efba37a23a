import assert from "node:assert/strict";
import {
  encodeQueryPairs,
  multiItems,
  quote,
  quotePlus,
} from "../../framework/routing/url_quote.ts";
import { pyRepr, pyStr } from "../../framework/http/python_text.ts";

// Expectations recorded from python3's urllib.parse with Werkzeug's safe sets.
Deno.test("quote encodes path text as Python's quote(safe=\"!$&'()*+,/:;=@\")", () => {
  assert.equal(quote("a b/ü€😀"), "a%20b/%C3%BC%E2%82%AC%F0%9F%98%80");
  assert.equal(quote("!$&'()*+,/:;=@"), "!$&'()*+,/:;=@");
  assert.equal(quote('%?#[]"<>\\^`{|}'), "%25%3F%23%5B%5D%22%3C%3E%5C%5E%60%7B%7C%7D");
  assert.equal(quote("AZaz09_.-~"), "AZaz09_.-~");
});

Deno.test("quote encodes a lone surrogate as U+FFFD", () => {
  assert.equal(quote("\ud800x"), "%EF%BF%BDx");
});

Deno.test("quotePlus encodes query text as Python's quote_plus(safe=\"!$'()*,/:;?@\")", () => {
  assert.equal(quotePlus("a b+c&=ü"), "a+b%2Bc%26%3D%C3%BC");
  assert.equal(quotePlus("!$'()*,/:;?@"), "!$'()*,/:;?@");
});

Deno.test("encodeQueryPairs skips null values and prints values as Python's str()", () => {
  assert.equal(
    encodeQueryPairs([["a", 1], ["b", null], ["c", true], ["d", 1.5], ["e", "x y"]]),
    "a=1&c=True&d=1.5&e=x+y",
  );
});

Deno.test("multiItems spreads array values into repeated keys", () => {
  assert.deepStrictEqual(multiItems({ a: [1, 2], b: "x" }), [["a", 1], ["a", 2], ["b", "x"]]);
});

Deno.test("pyStr and pyRepr print values as Python does", () => {
  assert.equal(pyStr(null), "None");
  assert.equal(pyStr(false), "False");
  assert.equal(pyStr(3), "3");
  assert.equal(pyStr(2.5), "2.5");
  assert.equal(pyRepr("it's"), `"it's"`);
  assert.equal(pyRepr(["a", "b"]), "['a', 'b']");
});
