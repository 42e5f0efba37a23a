import { deepEqual, equal, throws } from "node:assert/strict";
import {
  decodeUtf8Quoting,
  parseQueryPairs,
  unquoteExcept,
  urlDecodeQuery,
  urlEncode,
  urlQuote,
  urlQuotePlus,
  urlUnquote,
} from "../../framework/http/urls.ts";
import { RequestEntityTooLarge } from "../../framework/http/exceptions.ts";

// Expectations recorded from Python 3.11's parse_qsl(keep_blank_values=True,
// errors="werkzeug.url_quote"), which is what Werkzeug 3.1's request.args uses.
const QUERY_CASES: [string, [string, string][]][] = [
  ["a=1&b=2&a=3", [["a", "1"], ["b", "2"], ["a", "3"]]],
  ["a", [["a", ""]]],
  ["a=", [["a", ""]]],
  ["=b", [["", "b"]]],
  ["=", [["", ""]]],
  ["a&=&b", [["a", ""], ["", ""], ["b", ""]]],
  ["&", []],
  ["", []],
  ["a=%zz", [["a", "%zz"]]],
  ["a=%E2%82%AC", [["a", "€"]]],
  ["a=%E2%82", [["a", "%E2%82"]]],
  ["a=%ff%fe", [["a", "%FF%FE"]]],
  ["+a+=+b+", [[" a ", " b "]]],
  ["a=1;b=2", [["a", "1;b=2"]]],
  ["&&a=1&&", [["a", "1"]]],
  ["a=%2", [["a", "%2"]]],
  ["a=%", [["a", "%"]]],
  ["%41=%42", [["A", "B"]]],
  ["a=b=c", [["a", "b=c"]]],
  ["a+b%2Bc=d", [["a b+c", "d"]]],
  ["a=%C3%A9%C3", [["a", "é%C3"]]],
  ["a=%e2%82%ac", [["a", "€"]]],
  ["q=%F0%9F%98%80x", [["q", "😀x"]]],
  ["q=%ED%A0%80", [["q", "%ED%A0%80"]]],
  ["q=%C0%80", [["q", "%C0%80"]]],
  ["q=%F4%90%80%80", [["q", "%F4%90%80%80"]]],
  ["q=%E2%28%A1", [["q", "%E2(%A1"]]],
];

for (const [qs, expected] of QUERY_CASES) {
  Deno.test(`parseQueryPairs decodes ${JSON.stringify(qs)} as Werkzeug's request.args does`, () => {
    deepEqual(parseQueryPairs(qs), expected);
  });
}

Deno.test("parseQueryPairs decodes raw latin-1 bytes of QUERY_STRING as UTF-8", () => {
  // "é" sent unescaped arrives as the two latin-1 chars \xc3\xa9.
  deepEqual(parseQueryPairs("q=\xc3\xa9&r=\xff"), [["q", "é"], ["r", "%FF"]]);
});

Deno.test("parseQueryPairs enforces maxParts counting empty fields", () => {
  deepEqual(parseQueryPairs("a&b&c", { maxParts: 3 }).length, 3);
  throws(() => parseQueryPairs("a&b&&", { maxParts: 3 }), RangeError);
});

const UNQUOTE_CASES: [string, string][] = [
  ["abc", "abc"],
  ["%", "%"],
  ["%%", "%%"],
  ["%4", "%4"],
  ["%41%", "A%"],
  ["caf%C3%A9%ff", "café%FF"],
  ["é%A9", "é%A9"],
  ["a%C3b", "a%C3b"],
  ["%2f%2F", "//"],
  ["a+b", "a+b"],
];
for (const [input, expected] of UNQUOTE_CASES) {
  Deno.test(`urlUnquote(${JSON.stringify(input)}) keeps bad escapes as Python does`, () => {
    equal(urlUnquote(input), expected);
  });
}

Deno.test("urlQuote encodes UTF-8 with Python's quote() safe sets", () => {
  equal(urlQuote("/a b/é"), "/a%20b/%C3%A9");
  equal(urlQuote("/a b/é", ""), "%2Fa%20b%2F%C3%A9");
  equal(urlQuote("a+b&c=d?#%"), "a%2Bb%26c%3Dd%3F%23%25");
  equal(urlQuote("~_.-"), "~_.-");
  equal(urlQuote("☃"), "%E2%98%83");
  equal(urlQuote(""), "");
  equal(urlQuotePlus("a b+c"), "a+b%2Bc");
});

Deno.test("urlEncode matches Werkzeug's _urlencode for records, arrays and null", () => {
  equal(
    urlEncode({ a: ["1", "2"], "b c": "é&=+", n: null, x: "!$'()*,/:;?@~" }),
    "a=1&a=2&b+c=%C3%A9%26%3D%2B&x=!$'()*,/:;?@~",
  );
  equal(urlEncode([["k", 1], ["k", "two"], ["skip", undefined]]), "k=1&k=two");
  equal(urlEncode({}), "");
});

Deno.test("urlEncode output decodes back to the same pairs", () => {
  const pairs: [string, string][] = [["a b", "c&d"], ["é", "+%"], ["", "="]];
  deepEqual(parseQueryPairs(urlEncode(pairs)), pairs);
});

Deno.test("unquoteExcept keeps escapes of reserved characters like uri_to_iri's path step", () => {
  equal(
    unquoteExcept("/a%20b/%C3%A9%2F%3f%25x%FF%2e", "\x00 %\x7f/?#"),
    "/a%20b/é%2F%3f%25x%FF.",
  );
});

Deno.test("decodeUtf8Quoting quotes only the invalid bytes", () => {
  equal(decodeUtf8Quoting(new Uint8Array([0x61, 0xe2, 0x82, 0xac, 0xe2, 0x28])), "a€%E2(");
  equal(decodeUtf8Quoting(new Uint8Array([0xf0, 0x9f, 0x98])), "%F0%9F%98");
});

Deno.test("urlDecodeQuery gives a MultiDict and answers too many fields with 413", () => {
  const args = urlDecodeQuery("q=caf%C3%A9&tag=a&tag=b&bad=%zz");
  equal(args.get("q"), "café");
  deepEqual(args.getlist("tag"), ["a", "b"]);
  equal(args.get("bad"), "%zz");
  throws(() => urlDecodeQuery("a&b&c", { maxParts: 2 }), RequestEntityTooLarge);
});

Deno.test("parseQueryPairs with decoded keeps non-ASCII text as is", () => {
  deepEqual(parseQueryPairs("q=é+%C3%A9", { decoded: true }), [["q", "é é"]]);
});
