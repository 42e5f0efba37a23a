import assert from "node:assert/strict";
import { urlJoin } from "../../framework/routing/url_join.ts";

// [base, reference, Python's urllib.parse.urljoin(base, reference)], recorded from python3.
const CASES: [string, string, string][] = [
  ["http://example.com/app/", "foo/1", "http://example.com/app/foo/1"],
  ["http://example.com/app/", "/abs/x", "http://example.com/abs/x"],
  ["http://example.com/app/", "../up", "http://example.com/up"],
  ["http://example.com/app/", "./here", "http://example.com/app/here"],
  ["http://example.com/app/", "https://other.example/x", "https://other.example/x"],
  ["http://example.com/app/", "//cdn.example/x", "http://cdn.example/x"],
  ["http://example.com/app/", "?q=1", "http://example.com/app/?q=1"],
  ["http://example.com/app/", "#frag", "http://example.com/app/#frag"],
  ["http://example.com/app/", "a/../b", "http://example.com/app/b"],
  ["http://example.com/app/", "../../../g", "http://example.com/g"],
  ["http://example.com/app/", "", "http://example.com/app/"],
  ["http://example.com/app/", "x?y=1#z", "http://example.com/app/x?y=1#z"],
  ["http://example.com/app/sub/page", "x", "http://example.com/app/sub/x"],
  ["http://example.com/app/sub/page", "../x", "http://example.com/app/x"],
  ["http://example.com/app/sub/page", "?q", "http://example.com/app/sub/page?q"],
  ["http://example.com/app/sub/page", "#f", "http://example.com/app/sub/page#f"],
  ["http://example.com/app/sub/page", ".", "http://example.com/app/sub/"],
  ["http://example.com/app/sub/page", "..", "http://example.com/app/"],
];

for (const [base, ref, want] of CASES) {
  Deno.test(`urlJoin resolves ${JSON.stringify(ref)} against ${base} as Python does`, () => {
    assert.equal(urlJoin(base, ref), want);
  });
}
