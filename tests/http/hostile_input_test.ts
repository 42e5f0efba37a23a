// Nothing a client sends makes a header parser throw: seeded random headers built from
// the characters that matter to the grammars (quotes, escapes, separators, controls,
// latin-1 bytes) go through every request-header parser.
import assert from "node:assert/strict";
import {
  type Accept,
  type AcceptClass,
  CharsetAccept,
  LanguageAccept,
  MIMEAccept,
  parseAcceptHeader,
} from "../../framework/http/accept.ts";
import { Authorization, WWWAuthenticate } from "../../framework/http/authorization.ts";
import { parseCacheControlHeader } from "../../framework/http/cache_control.ts";
import { isResourceModified } from "../../framework/http/conditional.ts";
import { parseCookie } from "../../framework/http/cookies.ts";
import { parseDate } from "../../framework/http/dates.ts";
import { parseEtags } from "../../framework/http/etags.ts";
import { parseSetHeader } from "../../framework/http/header_set.ts";
import {
  parseDictHeader,
  parseListHeader,
  parseOptionsHeader,
} from "../../framework/http/header_values.ts";
import { parseContentRange, parseIfRangeHeader, parseRange } from "../../framework/http/range.ts";
import type { Environ } from "../../framework/gateway/types.ts";

const PIECES = [
  "a",
  "Z",
  "0",
  "9",
  "=",
  ";",
  ",",
  '"',
  "\\",
  " ",
  "\t",
  "/",
  "*",
  "-",
  ":",
  ".",
  "%",
  "%2",
  "%22",
  "%E2%82",
  "'",
  "''",
  "*0",
  "*1*",
  "q=",
  "q=0.5",
  "W/",
  "bytes=",
  "Basic ",
  "Bearer ",
  "Digest ",
  "utf-8''",
  "\u00e9",
  "\u00c3",
  "\u00ff",
  "\u0000",
  "\u007f",
  "\r",
  "\n",
  "GMT",
  "Nov",
  "1994",
  "08:49:37",
  "+0100",
  "=====",
  "dXNlcjpwYXNz",
];

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("every request-header parser accepts any string without throwing", () => {
  const random = prng(20261121);
  for (let i = 0; i < 3000; i++) {
    let value = "";
    const n = Math.floor(random() * 16);
    for (let j = 0; j < n; j++) value += PIECES[Math.floor(random() * PIECES.length)];
    try {
      parseCookie(value);
      parseDate(value);
      parseEtags(value);
      parseRange(value);
      parseContentRange(value);
      parseIfRangeHeader(value);
      parseOptionsHeader(value);
      parseListHeader(value);
      parseDictHeader(value);
      parseSetHeader(value);
      parseCacheControlHeader(value);
      Authorization.fromHeader(value);
      WWWAuthenticate.fromHeader(value);
      for (const cls of [MIMEAccept, LanguageAccept, CharsetAccept] as AcceptClass<Accept>[]) {
        const accept = parseAcceptHeader(value, cls);
        void accept.best;
        accept.toHeader();
      }
      parseAcceptHeader(value, MIMEAccept).bestMatch(["text/html", "application/json"]);
      parseAcceptHeader(value, LanguageAccept).bestMatch(["en-US", "de"]);
      isResourceModified({
        HTTP_IF_NONE_MATCH: value,
        HTTP_IF_MATCH: value,
        HTTP_IF_MODIFIED_SINCE: value,
        HTTP_RANGE: value,
        HTTP_IF_RANGE: value,
      } as unknown as Environ, { etag: "x", lastModified: new Date(0), ignoreIfRange: false });
    } catch (error) {
      assert.fail(`input ${JSON.stringify(value)} threw ${error}`);
    }
  }
});
