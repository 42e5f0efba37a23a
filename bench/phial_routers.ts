/**
 * phial's router behind the benchmark's interface: `MapAdapter.match()` (throws on a miss,
 * as Werkzeug's does) and `MapAdapter.matchResult()`, the non-throwing core the
 * Application uses.
 *
 * @module
 */
import { Map as UrlMap, type MapAdapter, Rule } from "../framework/routing/mod.ts";
import type { GithubRoute } from "./data/github_routes.ts";
import type { BuiltRouter, RouterUnderTest } from "./peer_routers.ts";

/** `:name` → `<name>`, a final `*name` → `<path:name>`. */
export function toRuleString(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "<$1>").replace(/\*([A-Za-z0-9_]*)$/, "<path:$1>");
}

/** Builds a bound `MapAdapter` over the table, endpoint `i` for route `i`. */
export function bindPhial(routes: readonly GithubRoute[]): MapAdapter {
  const rules = routes.map((r, i) =>
    new Rule(toRuleString(r.path), { endpoint: String(i), methods: [r.method] })
  );
  return new UrlMap(rules).bind("example.com");
}

/** `adapter.matchResult(path, method)`: a result object, never a throw. */
export const phialCore: RouterUnderTest = {
  name: "phial core",
  build(routes): BuiltRouter {
    const adapter = bindPhial(routes);
    return {
      find(method, path) {
        const result = adapter.matchResult(path, method);
        return result.code === 200 ? Number(result.endpoint) : -1;
      },
      loop(methods, paths) {
        let hits = 0;
        for (let i = 0; i < paths.length; i++) {
          if (adapter.matchResult(paths[i]!, methods[i]!).code === 200) hits++;
        }
        return hits;
      },
    };
  },
};

/** `adapter.match(path, method)`, catching the 404 it throws on a miss. */
export const phialMatch: RouterUnderTest = {
  name: "phial match()",
  build(routes): BuiltRouter {
    const adapter = bindPhial(routes);
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

/** phial's routers, in table order. */
export const phialRouters: readonly RouterUnderTest[] = [phialCore, phialMatch];
