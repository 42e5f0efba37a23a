// isResourceModified, table-driven from Werkzeug 3.1's `is_resource_modified` (python3).
import assert from "node:assert/strict";
import {
  isResourceModified,
  type ResourceModifiedOptions,
} from "../../framework/http/conditional.ts";
import { Headers } from "../../framework/http/headers.ts";
import type { Environ } from "../../framework/gateway/types.ts";

/** The resource's Last-Modified, with a sub-second part that must be ignored. */
const LAST_MODIFIED = new Date("2024-01-02T03:04:05.500Z");

/** [environ headers, options, is_resource_modified(environ, **options)] */
const CASES: [Record<string, string>, ResourceModifiedOptions, boolean][] = [
  [{}, { etag: "v1" }, true],
  [{ "HTTP_IF_NONE_MATCH": '"v1"' }, { etag: "v1" }, false],
  [{ "HTTP_IF_NONE_MATCH": '"v1"' }, { etag: '"v1"' }, false],
  [{ "HTTP_IF_NONE_MATCH": 'W/"v1"' }, { etag: "v1" }, false],
  [{ "HTTP_IF_NONE_MATCH": '"v2"' }, { etag: "v1" }, true],
  [{ "HTTP_IF_NONE_MATCH": "*" }, { etag: "v1" }, false],
  [{ "HTTP_IF_MATCH": '"v1"' }, { etag: "v1" }, true],
  [{ "HTTP_IF_MATCH": '"v2"' }, { etag: "v1" }, false],
  [{ "HTTP_IF_MATCH": 'W/"v1"' }, { etag: "v1" }, false],
  [
    { "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:05 GMT" },
    { lastModified: LAST_MODIFIED },
    false,
  ],
  [
    { "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:04 GMT" },
    { lastModified: LAST_MODIFIED },
    true,
  ],
  [
    { "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:06 GMT" },
    { lastModified: LAST_MODIFIED },
    false,
  ],
  [{ "HTTP_IF_MODIFIED_SINCE": "garbage" }, { lastModified: LAST_MODIFIED }, true],
  [{ "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:05 GMT" }, {
    lastModified: "Tue, 02 Jan 2024 03:04:05 GMT",
  }, false],
  [{ "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:05 GMT", "HTTP_IF_NONE_MATCH": '"v2"' }, {
    lastModified: LAST_MODIFIED,
    etag: "v1",
  }, true],
  [
    { "HTTP_RANGE": "bytes=0-1", "HTTP_IF_RANGE": '"v1"' },
    { etag: "v1", ignoreIfRange: false },
    false,
  ],
  [
    { "HTTP_RANGE": "bytes=0-1", "HTTP_IF_RANGE": '"v2"' },
    { etag: "v1", ignoreIfRange: false },
    true,
  ],
  [{ "HTTP_RANGE": "bytes=0-1", "HTTP_IF_RANGE": '"v2"' }, { etag: "v1" }, true],
  [{ "HTTP_IF_RANGE": '"v1"' }, { etag: "v1", ignoreIfRange: false }, true],
  [{ "HTTP_RANGE": "bytes=0-1", "HTTP_IF_RANGE": "Tue, 02 Jan 2024 03:04:05 GMT" }, {
    lastModified: LAST_MODIFIED,
    ignoreIfRange: false,
  }, false],
  [
    {
      "HTTP_RANGE": "bytes=0-1",
      "HTTP_IF_RANGE": "Tue, 02 Jan 2024 03:04:04 GMT",
      "HTTP_IF_MODIFIED_SINCE": "Tue, 02 Jan 2024 03:04:05 GMT",
    },
    { lastModified: LAST_MODIFIED, ignoreIfRange: false },
    true,
  ],
  [{ "HTTP_IF_NONE_MATCH": '"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"' }, {
    data: new TextEncoder().encode("hello"),
  }, false],
];

Deno.test("isResourceModified(environ) decides as Werkzeug's is_resource_modified", () => {
  for (const [environ, options, expected] of CASES) {
    assert.equal(
      isResourceModified(environ as unknown as Environ, options),
      expected,
      `${JSON.stringify(environ)} ${JSON.stringify(options)}`,
    );
  }
});

Deno.test("isResourceModified also reads phial Headers and fetch Headers", () => {
  for (const [environ, options, expected] of CASES) {
    const pairs: [string, string][] = Object.entries(environ).map((
      [key, value],
    ) => [key.slice(5).replaceAll("_", "-"), value]);
    assert.equal(isResourceModified(new Headers(pairs), options), expected);
    assert.equal(isResourceModified(new globalThis.Headers(pairs), options), expected);
  }
});

Deno.test("isResourceModified rejects both data and etag", () => {
  assert.throws(
    () => isResourceModified({} as Environ, { etag: "x", data: new Uint8Array([1]) }),
    TypeError,
  );
});
