// Range / Content-Range / If-Range, table-driven from Werkzeug 3.1
// (`parse_range_header`, `parse_content_range_header`, `parse_if_range_header`).
import assert from "node:assert/strict";
import {
  ContentRange,
  parseContentRange,
  parseContentRangeHeader,
  parseIfRangeHeader,
  parseRange,
  parseRangeHeader,
  Range,
} from "../../framework/http/range.ts";

type RangeRow = [
  string,
  [number, number | null][],
  string,
  [number, number] | null,
  string | null,
  [number, number] | null,
] | null;

/**
 * [header, [units, ranges, to_header(), range_for_length(1000),
 *  to_content_range_header(1000), range_for_length(300)] or null]
 */
const RANGE_CASES: [string, RangeRow][] = [
  ["bytes=0-499", ["bytes", [[0, 500]], "bytes=0-499", [0, 500], "bytes 0-499/1000", [0, 300]]],
  ["bytes=500-999", [
    "bytes",
    [[500, 1000]],
    "bytes=500-999",
    [500, 1000],
    "bytes 500-999/1000",
    null,
  ]],
  ["bytes=-500", ["bytes", [[-500, null]], "bytes=-500", [500, 1000], "bytes 500-999/1000", null]],
  ["bytes=9500-", ["bytes", [[9500, null]], "bytes=9500-", null, null, null]],
  ["bytes=0-0,-1", ["bytes", [[0, 1], [-1, null]], "bytes=0-0,-1", null, null, null]],
  ["bytes=0-499,500-999", [
    "bytes",
    [[0, 500], [500, 1000]],
    "bytes=0-499,500-999",
    null,
    null,
    null,
  ]],
  ["bytes=500-999,0-499", null],
  ["bytes=0-499,400-999", null],
  ["bytes=-500,0-1", null],
  ["bytes=5-1", null],
  ["bytes=abc", null],
  ["bytes=1-a", null],
  ["bytes", null],
  ["", null],
  ["BYTES = 0 - 10", ["bytes", [[0, 11]], "bytes=0-10", [0, 11], "bytes 0-10/1000", [0, 11]]],
  ["bytes=0-", ["bytes", [[0, null]], "bytes=0-", [0, 1000], "bytes 0-999/1000", [0, 300]]],
  ["bytes=+1-2", null],
  ["bytes=1-2-3", null],
  ["items=0-5", ["items", [[0, 6]], "items=0-5", null, null, null]],
  ["bytes=0-499, -500", ["bytes", [[0, 500], [-500, null]], "bytes=0-499,-500", null, null, null]],
  ["bytes=,", null],
  ["bytes=-0", ["bytes", [[0, null]], "bytes=0-", [0, 1000], "bytes 0-999/1000", [0, 300]]],
  ["bytes=--5", null],
  ["bytes= 0-1 ,2-3", ["bytes", [[0, 2], [2, 4]], "bytes=0-1,2-3", null, null, null]],
];

Deno.test("parseRange matches Werkzeug's parse_range_header and Range methods", () => {
  for (const [header, expected] of RANGE_CASES) {
    const range = parseRange(header);
    if (expected === null) {
      assert.equal(range, null, header);
      continue;
    }
    assert.ok(range, header);
    assert.deepEqual(
      [
        range.units,
        range.ranges,
        range.toHeader(),
        range.rangeForLength(1000),
        range.toContentRangeHeader(1000),
        range.rangeForLength(300),
      ],
      expected,
      header,
    );
  }
  assert.equal(parseRangeHeader, parseRange);
  assert.equal(parseRange(null), null);
});

Deno.test("Range rejects invalid ranges and builds a ContentRange", () => {
  assert.throws(() => new Range("bytes", [[5, 1]]), TypeError);
  assert.throws(() => new Range("bytes", [[-1, 5]]), TypeError);
  const range = new Range("bytes", [[-500, null]]);
  assert.equal(range.makeContentRange(1000)?.toHeader(), "bytes 500-999/1000");
  assert.equal(range.makeContentRange(null), null);
  assert.equal(range.rangeForLength(undefined), null);
});

type ContentRangeRow = [string, number | null, number | null, number | null, string] | null;

/** [header, [units, start, stop, length, to_header()] or null] */
const CONTENT_RANGE_CASES: [string, ContentRangeRow][] = [
  ["bytes 0-499/1234", ["bytes", 0, 500, 1234, "bytes 0-499/1234"]],
  ["bytes 0-499/*", ["bytes", 0, 500, null, "bytes 0-499/*"]],
  ["bytes */1234", ["bytes", null, null, 1234, "bytes */1234"]],
  ["bytes */*", ["bytes", null, null, null, "bytes */*"]],
  ["bytes 500-499/1000", null],
  ["bytes 0-1000/1000", ["bytes", 0, 1001, 1000, "bytes 0-1000/1000"]],
  ["bytes 0-999/1000", ["bytes", 0, 1000, 1000, "bytes 0-999/1000"]],
  ["bytes", null],
  ["bytes x-1/10", null],
  ["bytes 0-1", null],
  ["  bytes   0-1/5  ", ["bytes", 0, 2, 5, "bytes 0-1/5"]],
  ["items 0-1/5", ["items", 0, 2, 5, "items 0-1/5"]],
  ["bytes */-1", null],
  ["bytes 1-2/x", null],
];

Deno.test("parseContentRange matches Werkzeug's parse_content_range_header", () => {
  for (const [header, expected] of CONTENT_RANGE_CASES) {
    const cr = parseContentRange(header);
    if (expected === null) {
      assert.equal(cr, null, header);
      continue;
    }
    assert.ok(cr, header);
    assert.deepEqual([cr.units, cr.start, cr.stop, cr.length, cr.toHeader()], expected, header);
  }
  assert.equal(parseContentRangeHeader, parseContentRange);
});

Deno.test("ContentRange set/unset and validation", () => {
  const cr = new ContentRange("bytes", 0, 10, 100);
  assert.equal(cr.toHeader(), "bytes 0-9/100");
  cr.unset();
  assert.equal(cr.toHeader(), "");
  assert.throws(() => new ContentRange("bytes", 10, 5, 100), TypeError);
  assert.throws(() => new ContentRange("bytes", 0, null, 100), TypeError);
});

/** [header, etag, date ISO, to_header()] */
const IF_RANGE_CASES: [string, string | null, string | null, string][] = [
  ['"abc"', "abc", null, '"abc"'],
  ['W/"abc"', "abc", null, '"abc"'],
  [
    "Sun, 06 Nov 1994 08:49:37 GMT",
    null,
    "1994-11-06T08:49:37.000Z",
    "Sun, 06 Nov 1994 08:49:37 GMT",
  ],
  ["", null, null, ""],
  ["xyz", "xyz", null, '"xyz"'],
];

Deno.test("parseIfRangeHeader gives a date or an etag, as Werkzeug", () => {
  for (const [header, etag, date, toHeader] of IF_RANGE_CASES) {
    const ifRange = parseIfRangeHeader(header);
    assert.equal(ifRange.etag, etag, header);
    assert.equal(ifRange.date?.toISOString() ?? null, date, header);
    assert.equal(ifRange.toHeader(), toHeader, header);
  }
});

Deno.test("ContentRange calls onUpdate after set and unset", () => {
  const seen: string[] = [];
  const cr = new ContentRange("bytes", 0, 10, 100, (c) => seen.push(c.toHeader()));
  assert.deepEqual(seen, []);
  cr.set(10, 20, 100);
  cr.unset();
  assert.deepEqual(seen, ["bytes 10-19/100", ""]);
});
