/**
 * phial's router behind the benchmark's interface: `MapAdapter.match()` (throws on a miss,
 * as Werkzeug's does) and the non-throwing core the Application uses, when present.
 *
 * @module
 */
import type { GithubRoute } from "./data/github_routes.ts";
import type { BuiltRouter, RouterUnderTest } from "./peer_routers.ts";

/** The slice of `framework/routing/mod.ts` the benchmark uses, typed loosely on purpose. */
export interface RoutingModule {
  Map: new (rules: unknown[], options?: Record<string, unknown>) => {
    bind(serverName: string, options?: Record<string, unknown>): PhialAdapter;
  };
  Rule: new (rule: string, options: { endpoint: string; methods: string[] }) => unknown;
}

/** The slice of `MapAdapter` the benchmark uses. */
export interface PhialAdapter {
  match(path: string, method: string): [string, Record<string, unknown>];
  build(endpoint: string, values?: Record<string, unknown>): string;
}

/** `:name` → `<name>`, a final `*name` → `<path:name>`. */
export function toRuleString(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "<$1>").replace(/\*([A-Za-z0-9_]*)$/, "<path:$1>");
}

/** Builds a bound `MapAdapter` over the table, endpoint `i` for route `i`. */
export function bindPhial(routing: RoutingModule, routes: readonly GithubRoute[]): PhialAdapter {
  const rules = routes.map((r, i) =>
    new routing.Rule(toRuleString(r.path), { endpoint: String(i), methods: [r.method] })
  );
  return new routing.Map(rules).bind("example.com");
}

/** `adapter.match(path, method)`, catching the 404 it throws on a miss. */
export function phialMatch(routing: RoutingModule): RouterUnderTest {
  return {
    name: "phial match()",
    build(routes): BuiltRouter {
      const adapter = bindPhial(routing, routes);
      return {
        find(method, path) {
          try {
            return Number(adapter.match(path, method)[0]);
          } catch {
            return -1;
          }
        },
        loop(methods, paths) {
          let hits = 0;
          for (let i = 0; i < paths.length; i++) {
            try {
              adapter.match(paths[i]!, methods[i]!);
              hits++;
            } catch {
              // a miss
            }
          }
          return hits;
        },
      };
    },
  };
}

/** The phial routers found in `routing` (the non-throwing core once it exists). */
export function phialRouters(routing: RoutingModule): RouterUnderTest[] {
  return [phialMatch(routing)];
}
