/**
 * The requests a router benchmark replays: a fixed, seeded mix of static routes,
 * parametric routes filled with plausible values, and paths that match no route.
 *
 * @module
 */
import { SeededRandom } from "./seeded_random.ts";
import type { GithubRoute } from "./data/github_routes.ts";

/** One request and the route index it must match (-1 for a miss). */
export interface BenchRequest {
  /** The request method. */
  method: string;
  /** The (decoded) path. */
  path: string;
  /** Index of the route in the table, or -1 when nothing may match. */
  expected: number;
  /** Which part of the mix the request is from. */
  kind: "static" | "parametric" | "missing";
}

/** The share of each kind in the mix. */
export const MIX = { static: 0.25, parametric: 0.55, missing: 0.2 } as const;

const VALUES = [
  "octocat",
  "hello-world",
  "1296269",
  "42",
  "7",
  "main",
  "v1.0.0",
  "e5bd3914e2e5",
  "phial-dev",
  "deno_land",
  "2024-01-01",
  "x86_64",
  "a1b2c3",
  "release-2.1",
]; // deno-fmt-ignore

const NOISE = ["nope", "xyz", "missing", "old-api", "v0", "favicon.ico", "wp-admin", "zz-top"];

/** Fills `:name` segments with values and a final `*name` with a file path. */
function concretePath(path: string, random: SeededRandom): string {
  return path.replace(/:[A-Za-z0-9_]+/g, () => random.pick(VALUES))
    .replace(/\*[A-Za-z0-9_]*$/, () => `docs/${random.pick(VALUES)}/README.md`);
}

/** A path built by spoiling a real one: a typo in a static part, an extra part, or noise. */
function spoiledPath(path: string, random: SeededRandom): string {
  const parts = path.split("/");
  const choice = random.int(3);
  if (choice === 0) {
    const statics = parts.map((p, i) => [p, i] as const).filter(([p]) =>
      p !== "" && !p.startsWith(":") && !p.startsWith("*")
    );
    if (statics.length > 0) {
      const [part, i] = random.pick(statics);
      parts[i] = part.slice(0, -1) + (part.endsWith("z") ? "q" : "z");
      return concretePath(parts.join("/"), random);
    }
  }
  if (choice === 1) return `${concretePath(path, random)}/${random.pick(NOISE)}`;
  return `/${random.pick(NOISE)}${concretePath(path, random)}`;
}

/**
 * `count` requests for `routes`, the same for the same inputs and seed. `isMissing(path)`
 * must say whether a path matches no route under any method (the caller checks it with a
 * reference router); spoiled paths that still match are drawn again.
 */
export function makeRequests(
  routes: readonly GithubRoute[],
  count: number,
  isMissing: (path: string) => boolean,
  seed = 0xbe7c4,
): BenchRequest[] {
  const random = new SeededRandom(seed);
  const staticIdx: number[] = [];
  const paramIdx: number[] = [];
  routes.forEach((r, i) => (/[:*]/.test(r.path) ? paramIdx : staticIdx).push(i));
  const requests: BenchRequest[] = [];
  for (let n = 0; n < count; n++) {
    const roll = random.next();
    if (roll < MIX.missing) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const path = spoiledPath(random.pick(routes).path, random);
        if (isMissing(path)) {
          requests.push({ method: "GET", path, expected: -1, kind: "missing" });
          break;
        }
      }
      continue;
    }
    const wantStatic = roll < MIX.missing + MIX.static;
    const pool = wantStatic && staticIdx.length > 0
      ? staticIdx
      : paramIdx.length
      ? paramIdx
      : staticIdx;
    const i = random.pick(pool);
    const route = routes[i]!;
    requests.push({
      method: route.method,
      path: concretePath(route.path, random),
      expected: i,
      kind: pool === staticIdx ? "static" : "parametric",
    });
  }
  return requests;
}
