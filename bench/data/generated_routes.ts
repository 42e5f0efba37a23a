/**
 * The growth series' route tables: `n` distinct method + path routes drawn from a seeded
 * generator: a static first segment (as real APIs have), then static or parametric
 * segments, 1 to 6 in all.
 *
 * @module
 */
import { SeededRandom } from "../seeded_random.ts";
import type { GithubRoute } from "./github_routes.ts";

// deno-fmt-ignore
const WORDS = [
  "users", "items", "orders", "posts", "comments", "tags", "files", "teams", "projects",
  "events", "hooks", "keys", "labels", "stats", "search", "settings", "billing", "members",
  "repos", "issues", "pulls", "reviews", "assets", "builds", "jobs", "runs", "logs", "secrets",
  "variables", "runners", "groups", "plans", "invoices", "payments", "carts", "products",
  "reports", "alerts", "rules", "tokens", "sessions", "profile", "avatar", "feeds", "media",
  "videos", "images", "albums", "tracks", "playlists", "channels", "messages", "threads",
  "votes", "stars", "forks", "branches", "commits", "trees", "blobs", "refs", "notes", "wiki",
  "pages",
];

const METHODS = ["GET", "GET", "GET", "GET", "GET", "GET", "POST", "POST", "PUT", "DELETE"];

/**
 * `n` distinct routes, the same for the same `n` and `seed`. A parameter is named after
 * its depth (`:p2`), so routes sharing a tree position share the name, as radix routers
 * such as memoirist require.
 */
export function generateRoutes(n: number, seed = 0x5eed): GithubRoute[] {
  const random = new SeededRandom(seed + n);
  const seen = new Set<string>();
  const routes: GithubRoute[] = [];
  for (let attempts = 0; routes.length < n && attempts < n * 100; attempts++) {
    const depth = 1 + random.int(6);
    let path = "";
    for (let i = 0; i < depth; i++) {
      path += i === 0 || random.next() < 0.65 ? `/${random.pick(WORDS)}` : `/:p${i}`;
    }
    const method = random.pick(METHODS);
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    routes.push({ method, path });
  }
  if (routes.length < n) throw new Error(`Could only generate ${routes.length} of ${n} routes`);
  return routes;
}
