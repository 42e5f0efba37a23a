/**
 * `deno task bench:router`: phial's `MapAdapter` against memoirist, find-my-way and
 * Hono's TrieRouter, on the GitHub REST API's route table and on a growth series of
 * generated tables, replaying a fixed, seeded mix of static, parametric and missing
 * paths. Prints markdown tables. Options: `--quick` (shorter rounds), `--no-phial`
 * (peers only).
 *
 * @module
 */
import { type GithubRoute, githubRoutes, githubRoutesFull } from "./data/github_routes.ts";
import { generateRoutes } from "./data/generated_routes.ts";
import { type BenchRequest, makeRequests, MIX } from "./route_requests.ts";
import {
  formatRate,
  markdownTable,
  measure,
  measureInterleaved,
  type MeasureOptions,
} from "./measure.ts";
import { memoirist, peerRouters, type RouterUnderTest } from "./peer_routers.ts";
import { bindPhial, phialRouters, toRuleString } from "./phial_routers.ts";

const REQUESTS_PER_TABLE = 1000;
const GROWTH_SIZES = [10, 100, 1_000, 10_000];
const quick = Deno.args.includes("--quick");
const timing: MeasureOptions = quick
  ? { warmupMs: 50, roundMs: 60, rounds: 3 }
  : { warmupMs: 150, roundMs: 200, rounds: 7 };

/** Orders routes so that at every level static segments come before parameters and
 * catch-alls: routers that take the first registered match (Hono) then agree with those
 * that rank by specificity. */
function canonicalOrder(routes: readonly GithubRoute[]): GithubRoute[] {
  const key = (path: string) =>
    path.split("/").map((s) => (s.startsWith(":") ? "\uffe0" : s.startsWith("*") ? "\uffff" : s));
  return [...routes].sort((a, b) => {
    const ka = key(a.path);
    const kb = key(b.path);
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    }
    return ka.length - kb.length || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0);
  });
}

interface Table {
  name: string;
  routes: GithubRoute[];
  requests: BenchRequest[];
}

function makeTable(name: string, raw: readonly GithubRoute[]): Table {
  const routes = canonicalOrder(raw);
  const reference = memoirist.build(routes);
  const methods = [...new Set(routes.map((r) => r.method))];
  const isMissing = (path: string) => methods.every((m) => reference.find(m, path) === -1);
  return { name, routes, requests: makeRequests(routes, REQUESTS_PER_TABLE, isMissing) };
}

interface Result {
  opsPerSecond: number;
  nsPerOp: number;
  buildMs: number;
  disagreements: string[];
}

/**
 * Builds every router over each table and checks its answers, then times all the
 * (router, table) pairs in turns, so that figures compared with each other (routers on one
 * table, one router across the growth series) were taken under the same load.
 */
function runTables(group: readonly Table[]): Map<string, Map<string, Result>> {
  const prepared = group.flatMap((table) => {
    const methods = table.requests.map((r) => r.method);
    const paths = table.requests.map((r) => r.path);
    return routers.map((router) => {
      const t0 = performance.now();
      const built = router.build(table.routes);
      built.find("GET", "/"); // a router that compiles lazily does it here
      const buildMs = performance.now() - t0;
      const disagreements: string[] = [];
      for (const req of table.requests) {
        const got = built.find(req.method, req.path);
        if (got !== req.expected) {
          const want = req.expected === -1 ? "no match" : table.routes[req.expected]!.path;
          const gotText = got === -1 ? "no match" : table.routes[got]?.path ?? String(got);
          disagreements.push(`${req.method} ${req.path}: want ${want}, got ${gotText}`);
        }
      }
      const run = () => built.loop(methods, paths);
      return { table, router, run, opsPerCall: paths.length, buildMs, disagreements };
    });
  });
  const measured = measureInterleaved(prepared, timing);
  const results = new Map<string, Map<string, Result>>();
  prepared.forEach(({ table, router, buildMs, disagreements }, i) => {
    const { opsPerSecond, nsPerOp } = measured[i]!;
    if (!results.has(table.name)) results.set(table.name, new Map());
    results.get(table.name)!.set(router.name, { opsPerSecond, nsPerOp, buildMs, disagreements });
  });
  return results;
}

const withPhial = !Deno.args.includes("--no-phial");
const routers: RouterUnderTest[] = [...(withPhial ? phialRouters : []), ...peerRouters];

const tables: Table[] = [
  makeTable(`GitHub API (${githubRoutes.length})`, githubRoutes),
  makeTable(`GitHub API, full (${githubRoutesFull.length})`, githubRoutesFull),
  ...GROWTH_SIZES.map((n) => makeTable(`generated ${n.toLocaleString("en")}`, generateRoutes(n))),
];

const results = new Map<string, Map<string, Result>>([
  ...runTables(tables.slice(0, 1)),
  ...runTables(tables.slice(1, 2)),
  ...runTables(tables.slice(2)), // the growth series, all sizes in turns
]);

const out: string[] = [];
const kinds = (t: Table) => {
  const count = (k: BenchRequest["kind"]) => t.requests.filter((r) => r.kind === k).length;
  return `${count("static")}/${count("parametric")}/${count("missing")}`;
};
out.push(
  `## Router benchmark (${new Date().toISOString()}, Deno ${Deno.version.deno}, ${
    quick ? "quick" : "full"
  } timing)`,
  "",
  `Matches per second (best of ${timing.rounds} rounds; routers, and the growth series' ` +
    `sizes, timed in turns) over ${REQUESTS_PER_TABLE} seeded ` +
    `requests per table; mix static/parametric/missing ≈ ${MIX.static}/${MIX.parametric}/` +
    `${MIX.missing}.`,
  "",
);
const phialNames = routers.filter((r) => r.name.startsWith("phial")).map((r) => r.name);
const peerNames = peerRouters.map((r) => r.name);
const ratioCols = phialNames.flatMap((p) => peerNames.map((q) => [p, q] as const));
out.push(markdownTable(
  [
    "table",
    "requests s/p/m",
    ...routers.map((r) => r.name),
    ...ratioCols.map(([p, q]) => `${p.replace("phial ", "")} / ${q}`),
  ],
  tables.map((t) => {
    const row = results.get(t.name)!;
    return [
      t.name,
      kinds(t),
      ...routers.map((r) => formatRate(row.get(r.name)!.opsPerSecond)),
      ...ratioCols.map(([p, q]) =>
        `${(row.get(p)!.opsPerSecond / row.get(q)!.opsPerSecond).toFixed(2)}×`
      ),
    ];
  }),
));

// Where the time goes: each part of the mix timed on its own, on the GitHub table and on
// the largest generated one.
const kindNames: BenchRequest["kind"][] = ["static", "parametric", "missing"];
const kindTables = [tables[0]!, tables[tables.length - 1]!];
const byKind = kindTables.map((table) => {
  const built = routers.map((r) => r.build(table.routes));
  return kindNames.map((kind) => {
    const subset = table.requests.filter((r) => r.kind === kind);
    const methods = subset.map((r) => r.method);
    const paths = subset.map((r) => r.path);
    return measureInterleaved(
      built.map((b) => ({ run: () => b.loop(methods, paths), opsPerCall: paths.length })),
      { ...timing, rounds: Math.min(timing.rounds ?? 5, 5) },
    );
  });
});
out.push(
  "",
  "Time per match by kind of request (ns):",
  "",
  markdownTable(
    ["router", ...kindTables.flatMap((t) => kindNames.map((k) => `${t.name}: ${k}`))],
    routers.map((r, i) => [
      r.name,
      ...byKind.flatMap((perKind) => perKind.map((m) => m[i]!.nsPerOp.toFixed(0))),
    ]),
  ),
);

const small = tables.find((t) => t.name === "generated 10")!;
const large = tables.find((t) => t.name === "generated 10,000")!;
out.push(
  "",
  "Time per match as the table grows (ns), and the ratio 10,000 routes / 10 routes:",
  "",
  markdownTable(
    ["router", ...GROWTH_SIZES.map((n) => n.toLocaleString("en")), "10k / 10"],
    routers.map((r) => {
      const ns = tables.filter((t) => t.name.startsWith("generated"))
        .map((t) => results.get(t.name)!.get(r.name)!.nsPerOp);
      const ratio = results.get(large.name)!.get(r.name)!.nsPerOp /
        results.get(small.name)!.get(r.name)!.nsPerOp;
      return [r.name, ...ns.map((x) => x.toFixed(0)), `${ratio.toFixed(2)}×`];
    }),
  ),
  "",
  "Building the router (construction plus first match), ms:",
  "",
  markdownTable(
    ["router", ...tables.map((t) => t.name)],
    routers.map((r) => [
      r.name,
      ...tables.map((t) => results.get(t.name)!.get(r.name)!.buildMs.toFixed(1)),
    ]),
  ),
);

if (withPhial) {
  const table = tables[0]!;
  const adapter = bindPhial(table.routes);
  const jobs = table.routes.map((r, i) => {
    const values: Record<string, unknown> = {};
    for (const [, name] of toRuleString(r.path).matchAll(/<(?:[a-z]+:)?([A-Za-z0-9_]+)>/g)) {
      values[name!] = name === "path" ? "docs/README.md" : "octocat";
    }
    return [String(i), values] as const;
  });
  const withQuery = jobs.map(([e, v]) => [e, { ...v, page: 2, per_page: 50 }] as const);
  const buildLoop = (list: typeof jobs) => () => {
    let length = 0;
    for (let i = 0; i < list.length; i++) length += adapter.build(list[i]![0], list[i]![1]).length;
    return length;
  };
  const plain = measure(buildLoop(jobs), jobs.length, timing);
  const query = measure(buildLoop(withQuery), withQuery.length, timing);
  out.push(
    "",
    `phial \`MapAdapter.build\` over every route of ${table.name}:`,
    "",
    markdownTable(["build", "ops/s", "ns/op"], [
      ["path values only", formatRate(plain.opsPerSecond), plain.nsPerOp.toFixed(0)],
      ["+ 2 query args", formatRate(query.opsPerSecond), query.nsPerOp.toFixed(0)],
    ]),
  );
}

if (withPhial) {
  const gh = results.get(tables[0]!.name)!;
  const growth = (name: string) =>
    results.get(large.name)!.get(name)!.nsPerOp / results.get(small.name)!.get(name)!.nsPerOp;
  const goal = (ok: boolean) => (ok ? "met" : "not met");
  const rows: string[][] = [];
  for (const p of phialNames) {
    for (const q of ["memoirist", "find-my-way"]) {
      const ratio = gh.get(p)!.opsPerSecond / gh.get(q)!.opsPerSecond;
      rows.push([
        `${p} ≥ 1.0× ${q} on ${tables[0]!.name}`,
        `${ratio.toFixed(2)}×`,
        goal(ratio >= 1),
      ]);
    }
    const g = growth(p);
    rows.push([
      `${p}: time per match at 10,000 routes ≤ 2× at 10`,
      `${g.toFixed(2)}×`,
      goal(g <= 2),
    ]);
  }
  out.push(
    "",
    "Goals (issue 3, point 7), this run:",
    "",
    markdownTable(["goal", "figure", ""], rows),
  );
}

const disagreeing = tables.flatMap((t) =>
  routers.flatMap((r) => {
    const d = results.get(t.name)!.get(r.name)!.disagreements;
    return d.length
      ? [`- ${r.name} on ${t.name}: ${d.length} (e.g. ${d.slice(0, 3).join("; ")})`]
      : [];
  })
);
out.push(
  "",
  disagreeing.length
    ? `Results differing from the expected route (counted as measured anyway):\n${
      disagreeing.join("\n")
    }`
    : "Every router returned the expected route (or no match) for every request.",
);
console.log(out.join("\n"));
