// Accept headers, table-driven from Werkzeug 3.1 (`parse_accept_header`, `best_match`,
// `quality`, `in`, run in python3).
import assert from "node:assert/strict";
import {
  Accept,
  CharsetAccept,
  LanguageAccept,
  MIMEAccept,
  parseAcceptHeader,
} from "../../framework/http/accept.ts";

const CLASSES = { Accept, MIMEAccept, LanguageAccept, CharsetAccept };
type ClassName = keyof typeof CLASSES;

/** [class, header, items, to_header(), best, provided] */
const PARSE_CASES: [ClassName, string, [string, number][], string, string | null, boolean][] = [
  [
    "MIMEAccept",
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
    [["text/html", 1], ["application/xhtml+xml", 1], ["image/avif", 1], ["image/webp", 1], [
      "application/xml",
      0.9,
    ], ["*/*", 0.8]],
    "text/html,application/xhtml+xml,image/avif,image/webp,application/xml;q=0.9,*/*;q=0.8",
    "text/html",
    true,
  ],
  ["MIMEAccept", "*/*", [["*/*", 1]], "*/*", "*/*", true],
  [
    "MIMEAccept",
    "text/*, text/plain, text/plain;format=flowed, */*",
    [["text/plain; format=flowed", 1], ["text/plain", 1], ["text/*", 1], ["*/*", 1]],
    "text/plain; format=flowed,text/plain,text/*,*/*",
    "text/plain; format=flowed",
    true,
  ],
  [
    "MIMEAccept",
    "text/html;level=1;q=0.5, text/html;q=0.7",
    [["text/html; level=1", 0.5], ["text/html", 0.7]],
    "text/html; level=1;q=0.5,text/html;q=0.7",
    "text/html; level=1",
    true,
  ],
  [
    "MIMEAccept",
    "application/json;q=abc, text/html;q=2, text/plain;q=0, image/png;q=-0.1, a/b;q=1.000, c/d;q=.5",
    [["a/b", 1.0], ["text/plain", 0.0]],
    "a/b,text/plain;q=0.0",
    "a/b",
    true,
  ],
  [
    "MIMEAccept",
    'text/html; q="0.3", x/y;q=0.30',
    [["text/html", 0.3], ["x/y", 0.3]],
    "text/html;q=0.3,x/y;q=0.3",
    "text/html",
    true,
  ],
  [
    "Accept",
    "gzip, deflate, br;q=0.5, *;q=0.1",
    [["gzip", 1], ["deflate", 1], ["br", 0.5], ["*", 0.1]],
    "gzip,deflate,br;q=0.5,*;q=0.1",
    "gzip",
    true,
  ],
  [
    "LanguageAccept",
    "en-US,en;q=0.9,de;q=0.8",
    [["en-US", 1], ["en", 0.9], ["de", 0.8]],
    "en-US,en;q=0.9,de;q=0.8",
    "en-US",
    true,
  ],
  [
    "LanguageAccept",
    "da, en-gb;q=0.8, en;q=0.7",
    [["da", 1], ["en-gb", 0.8], ["en", 0.7]],
    "da,en-gb;q=0.8,en;q=0.7",
    "da",
    true,
  ],
  [
    "CharsetAccept",
    "iso-8859-5, unicode-1-1;q=0.8",
    [["iso-8859-5", 1], ["unicode-1-1", 0.8]],
    "iso-8859-5,unicode-1-1;q=0.8",
    "iso-8859-5",
    true,
  ],
  ["Accept", "", [], "", null, false],
  ["Accept", ",,, ,", [], "", null, true],
  ["Accept", '"quoted", x', [["quoted", 1], ["x", 1]], "quoted,x", "quoted", true],
];

Deno.test("parseAcceptHeader sorts by specificity and quality and skips bad q, as Werkzeug", () => {
  for (const [cls, header, items, toHeader, best, provided] of PARSE_CASES) {
    const accept = parseAcceptHeader(header, CLASSES[cls]);
    assert.ok(accept instanceof CLASSES[cls]);
    assert.deepEqual([...accept], items, header);
    assert.equal(accept.toHeader(), toHeader, header);
    assert.equal(accept.best ?? null, best, header);
    assert.equal(accept.provided, provided, header);
    assert.equal(accept.length, items.length);
  }
});

/** [class, header, offers, best_match(offers)] */
const BEST_CASES: [ClassName, string, string[], string | null][] = [
  ["MIMEAccept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", [
    "application/json",
    "text/html",
  ], "text/html"],
  ["MIMEAccept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", [
    "application/json",
    "image/png",
  ], "application/json"],
  [
    "MIMEAccept",
    "application/json, text/html;q=0.9",
    ["text/html", "application/json"],
    "application/json",
  ],
  ["MIMEAccept", "text/*;q=0.5, text/plain", ["text/html", "text/plain"], "text/plain"],
  ["MIMEAccept", "text/*, text/plain;q=0.5", ["text/plain", "text/html"], "text/html"],
  ["MIMEAccept", "text/plain;format=flowed", ["text/plain"], null],
  [
    "MIMEAccept",
    "text/plain;format=flowed",
    ["text/plain;format=flowed"],
    "text/plain;format=flowed",
  ],
  ["MIMEAccept", "image/png;q=0", ["image/png"], null],
  ["MIMEAccept", "", ["text/html"], null],
  [
    "MIMEAccept",
    "*/*;q=0.1, application/json",
    ["text/html", "application/json"],
    "application/json",
  ],
  ["MIMEAccept", "application/*", ["*/*"], "*/*"],
  ["LanguageAccept", "en-US,en;q=0.9,de;q=0.8", ["de", "en"], "en"],
  ["LanguageAccept", "en-US,de;q=0.8", ["en", "de"], "de"],
  ["LanguageAccept", "en,de;q=0.8", ["en-GB", "de-AT"], "en-GB"],
  ["LanguageAccept", "en_us", ["en-US"], "en-US"],
  ["LanguageAccept", "fr", ["de", "en"], null],
  ["Accept", "gzip;q=0.5, br", ["gzip", "br"], "br"],
  ["Accept", "*", ["x", "y"], "x"],
  ["CharsetAccept", "ISO-8859-1, utf-8;q=0.7", ["utf8", "latin1"], "latin1"],
  ["CharsetAccept", "utf-8;q=0.7", ["UTF8"], "UTF8"],
];

Deno.test("bestMatch picks the offer Werkzeug's best_match picks", () => {
  for (const [cls, header, offers, expected] of BEST_CASES) {
    const accept = parseAcceptHeader(header, CLASSES[cls]);
    assert.equal(accept.bestMatch(offers) ?? null, expected, `${header} ${offers}`);
    assert.equal(accept.bestMatch(offers, "fallback"), expected ?? "fallback");
  }
});

/** [class, header, [key, quality(key), key in accept][]] */
const QUALITY_CASES: [ClassName, string, [string, number, boolean][]][] = [
  ["MIMEAccept", "text/html,application/xml;q=0.9,*/*;q=0.8", [
    ["text/html", 1, true],
    ["application/xml", 0.9, true],
    ["image/png", 0.8, true],
    ["application/json", 0.8, true],
  ]],
  ["LanguageAccept", "en-US,en;q=0.9", [["en_us", 1, true], ["EN", 0.9, true], ["de", 0, false]]],
  ["CharsetAccept", "ISO-8859-1, utf-8;q=0.7", [["iso-8859-1", 1, true], ["UTF8", 0.7, true], [
    "utf7",
    0,
    false,
  ], ["latin1", 1, true]]],
  ["Accept", "gzip;q=0.5, *;q=0.1", [["GZIP", 0.5, true], ["br", 0.1, true]]],
];

Deno.test("quality and contains normalize as Werkzeug (wildcards, language tags, charset aliases)", () => {
  for (const [cls, header, rows] of QUALITY_CASES) {
    const accept = parseAcceptHeader(header, CLASSES[cls]);
    for (const [key, quality, contained] of rows) {
      assert.equal(accept.quality(key), quality, `${header} quality(${key})`);
      assert.equal(accept.contains(key), contained, `${header} contains(${key})`);
    }
  }
});

Deno.test("MIMEAccept acceptHtml / acceptXhtml / acceptJson", () => {
  // python: (accept_html, accept_xhtml, accept_json) per header
  const cases: [string, boolean, boolean, boolean][] = [
    ["text/html", true, false, false],
    ["application/xhtml+xml", true, true, false],
    ["application/xml", true, true, false],
    ["application/json", false, false, true],
    ["*/*", true, true, true],
    ["text/*", true, false, false],
    ["image/png", false, false, false],
    ["", false, false, false],
  ];
  for (const [header, html, xhtml, json] of cases) {
    const accept = parseAcceptHeader(header, MIMEAccept);
    assert.deepEqual([accept.acceptHtml, accept.acceptXhtml, accept.acceptJson], [
      html,
      xhtml,
      json,
    ], header);
  }
});

Deno.test("MIMEAccept rejects an offer that is not a media type", () => {
  const accept = parseAcceptHeader("text/html", MIMEAccept);
  assert.throws(() => accept.quality("html"), TypeError);
  assert.throws(() => accept.bestMatch(["*/html"]), TypeError);
});

Deno.test("Accept find/index/values", () => {
  const accept = parseAcceptHeader("gzip;q=0.5, br", Accept);
  assert.equal(accept.find("gzip"), 1);
  assert.equal(accept.find("zstd"), -1);
  assert.equal(accept.index("br"), 0);
  assert.throws(() => accept.index("zstd"), RangeError);
  assert.deepEqual([...accept.values()], ["br", "gzip"]);
  assert.equal(String(accept), "br,gzip;q=0.5");
});
