/**
 * The routers phial is compared with, behind one small interface: memoirist (Elysia's
 * radix tree), find-my-way (Fastify's) and Hono's TrieRouter. Each adapter writes its own
 * loop, so no call site is shared (and made megamorphic) between routers.
 *
 * @module
 */
import { Memoirist } from "npm:memoirist@1.2.2";
import FindMyWay from "npm:find-my-way@9.10.1";
import { TrieRouter } from "npm:hono@4.13.19/router/trie-router";
import type { GithubRoute } from "./data/github_routes.ts";

/** A router built over a table: finds route indexes for requests. */
export interface BuiltRouter {
  /** The route index a request matches, or -1. */
  find(method: string, path: string): number;
  /** Matches every request once; returns how many matched. */
  loop(methods: readonly string[], paths: readonly string[]): number;
}

/** A router under test: a name and how to build it over a route table. */
export interface RouterUnderTest {
  /** Name shown in the tables. */
  name: string;
  /** Builds the router over `routes` (route `i`'s handler/endpoint is `i`). */
  build(routes: readonly GithubRoute[]): BuiltRouter;
}

/** `:name` segments as they are; a final `*name` as the router's catch-all. */
function wildcard(path: string, star: string): string {
  return path.replace(/\*[A-Za-z0-9_]*$/, star);
}

/** memoirist: `add(method, path, store)`, `find(method, path)` → `{ store, params }`. */
export const memoirist: RouterUnderTest = {
  name: "memoirist",
  build(routes) {
    const router = new Memoirist<number>();
    routes.forEach((r, i) => router.add(r.method, wildcard(r.path, "*"), i));
    return {
      find: (method, path) => router.find(method, path)?.store ?? -1,
      loop(methods, paths) {
        let hits = 0;
        for (let i = 0; i < paths.length; i++) {
          if (router.find(methods[i]!, paths[i]!) !== null) hits++;
        }
        return hits;
      },
    };
  },
};

/** find-my-way: `on(method, path, handler, store)`, `find(method, path)`. */
export const findMyWay: RouterUnderTest = {
  name: "find-my-way",
  build(routes) {
    const router = FindMyWay();
    const handler = () => {};
    routes.forEach((r, i) => router.on(r.method as "GET", wildcard(r.path, "*"), handler, { i }));
    return {
      find: (method, path) => {
        const found = router.find(method as "GET", path);
        return found ? (found.store as { i: number }).i : -1;
      },
      loop(methods, paths) {
        let hits = 0;
        for (let i = 0; i < paths.length; i++) {
          if (router.find(methods[i] as "GET", paths[i]!) !== null) hits++;
        }
        return hits;
      },
    };
  },
};

/**
 * Hono's TrieRouter: `match(method, path)` gives every matching handler in registration
 * order (middleware semantics); an app takes the first, as this adapter does.
 */
export const honoTrie: RouterUnderTest = {
  name: "hono trie",
  build(routes) {
    const router = new TrieRouter<number>();
    routes.forEach((r, i) => router.add(r.method, wildcard(r.path, "*"), i));
    return {
      find: (method, path) => router.match(method, path)[0][0]?.[0] ?? -1,
      loop(methods, paths) {
        let hits = 0;
        for (let i = 0; i < paths.length; i++) {
          if (router.match(methods[i]!, paths[i]!)[0].length > 0) hits++;
        }
        return hits;
      },
    };
  },
};

/** The peers, in table order. */
export const peerRouters: readonly RouterUnderTest[] = [memoirist, findMyWay, honoTrie];
