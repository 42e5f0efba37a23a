// Replays the routing scenarios of werkzeug_oracle.py and compares phial's answers with
// the ones Werkzeug 3.1 gave (recorded in werkzeug_cases.ts).
import assert from "node:assert/strict";
import {
  BaseConverter,
  BuildError,
  Map as UrlMap,
  type MapAdapter,
  RequestRedirect,
  Rule,
  type RuleOptions,
  ValidationError,
} from "../../framework/routing/mod.ts";
import { MethodNotAllowed, NotFound } from "../../framework/http/exceptions.ts";
import { SCENARIOS } from "./werkzeug_cases.ts";

/** The same converters as the oracle's Python ones. */
class EvenConverter extends BaseConverter {
  override regex = "\\d+";
  override weight = 50;
  override toValue(value: string): number {
    const n = Number(value);
    if (n % 2) throw new ValidationError();
    return n;
  }
  override toUrl(value: unknown): string {
    return String(value);
  }
}

class ListConverter extends BaseConverter {
  override toValue(value: string): string[] {
    return value.split(",");
  }
  override toUrl(value: unknown): string {
    return (value as unknown[]).map((v) => super.toUrl(v)).join(",");
  }
}

type Case = [string, string, unknown?];
type BuildCase = [string, Record<string, unknown>, Record<string, unknown>];

/** One recorded scenario (see werkzeug_oracle.py). */
interface Scenario {
  name: string;
  map?: Record<string, unknown>;
  rules: [string, RuleOptions][];
  bind: [string, Record<string, unknown>];
  match: Case[];
  matchResults: unknown[][];
  matchQuery: Case[];
  matchQueryResults: unknown[][];
  build: BuildCase[];
  buildResults: unknown[][];
  binds: {
    server: string;
    options: Record<string, unknown>;
    match: Case[];
    matchResults: unknown[][];
    build: BuildCase[];
    buildResults: unknown[][];
  }[];
}

function runMatch(adapter: MapAdapter, [path, method, query]: Case): unknown[] {
  try {
    const options = query === undefined ? undefined : { queryArgs: query as string };
    const [endpoint, args] = adapter.match(path, method, options);
    return ["ok", endpoint, args];
  } catch (e) {
    if (e instanceof RequestRedirect) return ["308", e.newUrl];
    if (e instanceof MethodNotAllowed) return ["405", [...e.validMethods].sort()];
    if (e instanceof NotFound) return ["404"];
    throw e;
  }
}

function runBuild(adapter: MapAdapter, [endpoint, values, options]: BuildCase): unknown[] {
  try {
    return ["ok", adapter.build(endpoint, values, options)];
  } catch (e) {
    if (e instanceof BuildError) return ["BuildError", e.message];
    return ["error"];
  }
}

function normalizeExpected(expected: unknown[]): unknown[] {
  return expected[0] === "error" ? ["error"] : expected;
}

function makeMap(scenario: Scenario): UrlMap {
  return new UrlMap(
    scenario.rules.map(([rule, options]) => new Rule(rule, options)),
    { ...scenario.map, converters: { even: EvenConverter, list: ListConverter } },
  );
}

function compare<C>(
  label: string,
  cases: C[],
  expected: unknown[][],
  run: (c: C) => unknown[],
): void {
  assert.equal(cases.length, expected.length);
  const mismatches: string[] = [];
  cases.forEach((c, i) => {
    const want = normalizeExpected(expected[i]!);
    let got: unknown[];
    try {
      got = run(c);
    } catch (e) {
      got = ["threw", String(e)];
    }
    try {
      assert.deepStrictEqual(got, want);
    } catch {
      mismatches.push(
        `${label} ${JSON.stringify(c)}: got ${JSON.stringify(got)}, Werkzeug ${
          JSON.stringify(want)
        }`,
      );
    }
  });
  assert.deepStrictEqual(mismatches, []);
}

for (const scenario of SCENARIOS as Scenario[]) {
  const bindArgs = scenario.bind;
  Deno.test(`MapAdapter.match answers as Werkzeug: ${scenario.name}`, () => {
    const adapter = makeMap(scenario).bind(...bindArgs);
    compare("match", scenario.match, scenario.matchResults, (c: Case) => runMatch(adapter, c));
    compare(
      "match",
      scenario.matchQuery,
      scenario.matchQueryResults,
      (c: Case) => runMatch(adapter, c),
    );
    for (const b of scenario.binds) {
      const other = makeMap(scenario).bind(b.server, b.options);
      compare(`match@${b.server}`, b.match, b.matchResults, (c: Case) => runMatch(other, c));
    }
  });
  Deno.test(`MapAdapter.build answers as Werkzeug: ${scenario.name}`, () => {
    const adapter = makeMap(scenario).bind(...bindArgs);
    compare("build", scenario.build, scenario.buildResults, (c: BuildCase) => runBuild(adapter, c));
    for (const b of scenario.binds) {
      const other = makeMap(scenario).bind(b.server, b.options);
      compare(`build@${b.server}`, b.build, b.buildResults, (c: BuildCase) => runBuild(other, c));
    }
  });
}
