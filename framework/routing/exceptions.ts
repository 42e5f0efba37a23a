/**
 * Routing outcomes that are not a plain match: `RequestRedirect` (a 308 response) and
 * `BuildError` (no rule can build the requested URL).
 *
 * @module
 */

import { HTTPException } from "../http/exceptions.ts";
import { redirectPage } from "../http/redirect_page.ts";
import type { Environ } from "../gateway/types.ts";
import { pyRepr } from "../http/python_text.ts";
import type { Rule } from "./rule.ts";

/**
 * *308* The URL matched a rule only after a canonical change (a missing trailing slash,
 * merged slashes, values spelled out that are a rule's defaults, `redirectTo`, an
 * `alias`): the client should repeat the request at `newUrl`, method and body unchanged.
 *
 * @example
 * ```ts
 * import { Map as UrlMap, RequestRedirect, Rule } from "@phial/phial";
 * const urls = new UrlMap([new Rule("/about/", { endpoint: "about" })]).bind("example.com");
 * try { urls.match("/about"); } catch (e) { (e as RequestRedirect).newUrl; } // "http://example.com/about/"
 * ```
 */
export class RequestRedirect extends HTTPException {
  /** The status code: 308 Permanent Redirect. */
  static override code = 308;
  /** The absolute URL to redirect to. */
  newUrl: string;

  /**
   * Creates the redirect.
   *
   * @param newUrl The absolute URL to redirect to.
   */
  constructor(newUrl: string) {
    super(newUrl);
    this.newUrl = newUrl;
  }

  /**
   * Werkzeug's redirect page, linking to `newUrl`.
   *
   * @param _environ Unused.
   * @returns The HTML body.
   */
  override getBody(_environ?: Environ): string {
    return redirectPage(this.newUrl);
  }

  /**
   * `Content-Type` and `Location`.
   *
   * @param environ The request's environ, if any.
   * @returns Fresh header pairs.
   */
  override getHeaders(environ?: Environ): [string, string][] {
    const headers = super.getHeaders(environ);
    headers.push(["Location", this.newUrl]);
    return headers;
  }
}

/** What `BuildError` needs from the adapter to suggest a close match. */
export interface BuildErrorContext {
  /** Every rule of the map, in build order per endpoint. */
  rules(): Iterable<Rule>;
}

/**
 * Ratcliff/Obershelp similarity of two strings (Python's `difflib.SequenceMatcher.ratio`,
 * without junk heuristics).
 */
export function similarity(a: string, b: string): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  return (2 * matchingCharacters(a, 0, a.length, b, 0, b.length)) / total;
}

function matchingCharacters(
  a: string,
  alo: number,
  ahi: number,
  b: string,
  blo: number,
  bhi: number,
): number {
  // Longest common block, earliest in `a` then in `b` on ties, as difflib picks it.
  let bestI = alo;
  let bestJ = blo;
  let bestSize = 0;
  let prev = new Array<number>(bhi - blo + 1).fill(0);
  for (let i = alo; i < ahi; i++) {
    const cur = new Array<number>(bhi - blo + 1).fill(0);
    for (let j = blo; j < bhi; j++) {
      if (a[i] === b[j]) {
        const k = prev[j - blo]! + 1;
        cur[j - blo + 1] = k;
        if (k > bestSize) {
          bestI = i - k + 1;
          bestJ = j - k + 1;
          bestSize = k;
        }
      }
    }
    prev = cur;
  }
  if (bestSize === 0) return 0;
  return bestSize +
    matchingCharacters(a, alo, bestI, b, blo, bestJ) +
    matchingCharacters(a, bestI + bestSize, ahi, b, bestJ + bestSize, bhi);
}

/**
 * No rule can build a URL for the endpoint with the given values and method. The
 * message names the endpoint, the method and values given, and suggests the closest
 * rule: the methods it takes, the values it is missing, or a similar endpoint name.
 *
 * @example
 * ```ts
 * import { BuildError, Map as UrlMap, Rule } from "@phial/phial";
 * const urls = new UrlMap([new Rule("/user/<int:id>", { endpoint: "user" })]).bind("example.com");
 * try { urls.build("user"); } catch (e) { (e as BuildError).message; }
 * // "Could not build url for endpoint 'user'. Did you forget to specify values ['id']?"
 * ```
 */
export class BuildError extends Error {
  /** The endpoint that could not be built. */
  endpoint: string;
  /** The values given (after dropping `null`/`undefined`). */
  values: Record<string, unknown>;
  /** The method asked for, if any. */
  method: string | undefined;
  #context: BuildErrorContext | undefined;
  #suggested: Rule | undefined | null = null;
  #message: string | undefined;

  /**
   * Creates the error. The suggestion and the message are worked out when first read
   * (`url_for` callers often catch the error without showing it).
   *
   * @param endpoint The endpoint.
   * @param values The values given.
   * @param method The method asked for.
   * @param context Where to look for a suggestion (the adapter's map).
   */
  constructor(
    endpoint: string,
    values: Record<string, unknown>,
    method?: string,
    context?: BuildErrorContext,
  ) {
    super();
    this.name = "BuildError";
    this.endpoint = endpoint;
    this.values = values;
    this.method = method;
    this.#context = context;
  }

  /** The closest rule, used for the suggestion. */
  get suggested(): Rule | undefined {
    if (this.#suggested === null) {
      this.#suggested = this.#context === undefined ? undefined : closestRule(this, this.#context);
    }
    return this.#suggested;
  }

  /** What could not be built and a suggestion, as Werkzeug words it. */
  override get message(): string {
    return this.#message ??= buildErrorMessage(this);
  }
}

function closestRule(error: BuildError, context: BuildErrorContext): Rule | undefined {
  const given = Object.keys(error.values);
  let best: Rule | undefined;
  let bestScore = -1;
  for (const rule of context.rules()) {
    const score = 0.98 * similarity(String(rule.endpoint), String(error.endpoint)) +
      0.01 * (given.every((key) => rule.arguments.has(key)) ? 1 : 0) +
      0.01 * (rule.methods !== undefined && error.method !== undefined &&
            rule.methods.has(error.method)
          ? 1
          : 0);
    if (score > bestScore) {
      best = rule;
      bestScore = score;
    }
  }
  return best;
}

function buildErrorMessage(error: BuildError): string {
  let message = `Could not build url for endpoint ${pyRepr(error.endpoint)}`;
  if (error.method) message += ` (${pyRepr(error.method)})`;
  const given = Object.keys(error.values);
  if (given.length > 0) message += ` with values ${pyRepr([...given].sort())}`;
  message += ".";
  const rule = error.suggested;
  if (rule !== undefined) {
    if (rule.endpoint === error.endpoint) {
      if (error.method && rule.methods !== undefined && !rule.methods.has(error.method)) {
        message += ` Did you mean to use methods ${pyRepr([...rule.methods].sort())}?`;
      }
      const missing = new Set([...rule.arguments, ...Object.keys(rule.defaults ?? {})]);
      for (const key of given) missing.delete(key);
      if (missing.size > 0) {
        message += ` Did you forget to specify values ${pyRepr([...missing].sort())}?`;
      }
    } else {
      message += ` Did you mean ${pyRepr(rule.endpoint)} instead?`;
    }
  }
  return message;
}
