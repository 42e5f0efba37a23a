// HTTP dates, table-driven from Werkzeug 3.1's `parse_date` / `http_date` (python3).
import assert from "node:assert/strict";
import { httpDate, parseDate } from "../../framework/http/dates.ts";

/** [input, parse_date(input) as a UTC ISO string, or null] */
const PARSE_CASES: [string, string | null][] = [
  ["Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37.000Z"],
  ["06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 +0100", "1994-11-06T07:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37", "1994-11-06T08:49:37.000Z"],
  ["garbage", null],
  ["", null],
  ["Sun, 31 Feb 1994 08:49:37 GMT", null],
  ["Sun, 29 Feb 1996 08:49:37 GMT", "1996-02-29T08:49:37.000Z"],
  ["Sun, 29 Feb 1900 08:49:37 GMT", null],
  ["Sun, 06 Nov 94 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49 GMT", "1994-11-06T08:49:00.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 PST", "1994-11-06T16:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 -0000", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 25:49:37 GMT", null],
  ["Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00.000Z"],
  ["6 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 UT", "1994-11-06T08:49:37.000Z"],
  ["Wed, 21 Oct 2015 07:28:00 GMT; length=123", "2015-10-21T07:28:00.000Z"],
  ["Sun, 06 Nov 0001 08:49:37 GMT", "2001-11-06T08:49:37.000Z"],
  ["Sun,06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 nov 1994 08:49:37 gmt", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 EST", "1994-11-06T13:49:37.000Z"],
  ["Sun, 06 Nov 1994 8:9:7 GMT", "1994-11-06T08:09:07.000Z"],
  ["Sun, 06 November 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 69 08:49:37 GMT", "1969-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37.123 GMT", null],
  ["1994-11-06T08:49:37Z", null],
  ["Nov 06 1994 08:49:37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08.49.37 GMT", "1994-11-06T08:49:37.000Z"],
  ["Sun, 06 Nov 1994 08:49:37 +9999", null],
  ["Sun, 06 Nov 1994 08:49:37 -0530", "1994-11-06T14:19:37.000Z"],
  ["   ", null],
  ["Sun, 00 Nov 1994 08:49:37 GMT", null],
  ["Sun, 06 Nov 1994 08:60:37 GMT", null],
  ["Sun, 06 Foo 1994 08:49:37 GMT", null],
  ["Sun, 06 Nov 1994 08:49:37 XYZ", "1994-11-06T08:49:37.000Z"],
];

Deno.test("parseDate matches Werkzeug's parse_date on every case", () => {
  for (const [input, expected] of PARSE_CASES) {
    const parsed = parseDate(input);
    assert.equal(parsed === null ? null : parsed.toISOString(), expected, JSON.stringify(input));
  }
  assert.equal(parseDate(null), null);
  assert.equal(parseDate(undefined), null);
});

Deno.test("httpDate formats IMF-fixdates from a Date or epoch seconds", () => {
  assert.equal(httpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  // python: http_date(784111777.9)
  assert.equal(httpDate(784111777.9), "Sun, 06 Nov 1994 08:49:37 GMT");
  assert.equal(
    httpDate(new Date(Date.UTC(1994, 10, 6, 8, 49, 37, 999))),
    "Sun, 06 Nov 1994 08:49:37 GMT",
  );
  assert.match(httpDate(), /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  assert.throws(() => httpDate(new Date(NaN)), TypeError);
});

Deno.test("parseDate(httpDate(d)) gives d back to the second", () => {
  for (const ms of [0, 784111777000, 1700000000000, 253402300799000]) {
    assert.equal(parseDate(httpDate(new Date(ms)))?.getTime(), ms);
  }
});
