// Replays seeded random rule sets and paths (werkzeug_fuzz_oracle.py) and compares
// phial's answers with the ones Werkzeug 3.1 gave.
import assert from "node:assert/strict";
import {
  BuildError,
  Map as UrlMap,
  type MapAdapter,
  type MapOptions,
  RequestRedirect,
  Rule,
  type RuleOptions,
} from "../../framework/routing/mod.ts";
import { MethodNotAllowed, NotFound } from "../../framework/http/exceptions.ts";
import { FUZZ_CASES } from "./werkzeug_fuzz_cases.ts";

interface FuzzCase {
  map: MapOptions;
  rules: [string, RuleOptions][];
  results: [string, string, unknown[]][];
  builds: [string, Record<string, unknown>, string | null, unknown[]][];
}

function outcome(adapter: MapAdapter, path: string, method: string): unknown[] {
  try {
    return ["ok", ...adapter.match(path, method)];
  } catch (e) {
    if (e instanceof RequestRedirect) return ["308", e.newUrl];
    if (e instanceof MethodNotAllowed) return ["405", [...e.validMethods].sort()];
    if (e instanceof NotFound) return ["404"];
    throw e;
  }
}

(FUZZ_CASES as FuzzCase[]).forEach((c, n) => {
  Deno.test(`MapAdapter.match agrees with Werkzeug on random rule set ${n}`, () => {
    const urls = new UrlMap(c.rules.map(([s, o]) => new Rule(s, o)), c.map).bind("example.com");
    const mismatches: string[] = [];
    for (const [path, method, want] of c.results) {
      const got = outcome(urls, path, method);
      try {
        assert.deepStrictEqual(got, want);
      } catch {
        mismatches.push(
          `${method} ${path}: got ${JSON.stringify(got)}, Werkzeug ${JSON.stringify(want)}`,
        );
      }
    }
    assert.deepStrictEqual(mismatches, [], `rules ${JSON.stringify(c.rules)}`);
  });

  Deno.test(`MapAdapter.build agrees with Werkzeug on random rule set ${n}`, () => {
    const urls = new UrlMap(c.rules.map(([s, o]) => new Rule(s, o)), c.map).bind("example.com");
    const mismatches: string[] = [];
    for (const [endpoint, values, method, want] of c.builds) {
      let got: unknown[];
      try {
        got = ["ok", urls.build(endpoint, values, method === null ? {} : { method })];
      } catch (e) {
        got = e instanceof BuildError ? ["BuildError", e.message] : ["error"];
      }
      try {
        assert.deepStrictEqual(got, want);
      } catch {
        mismatches.push(
          `${endpoint} ${JSON.stringify(values)} ${method}: got ${JSON.stringify(got)}, ` +
            `Werkzeug ${JSON.stringify(want)}`,
        );
      }
    }
    assert.deepStrictEqual(mismatches, [], `rules ${JSON.stringify(c.rules)}`);
  });
});
