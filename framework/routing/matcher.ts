/**
 * The compiled matcher: a state machine over path segments (Werkzeug's
 * `StateMachineMatcher`), built once per map update. Each state has a table of static
 * transitions and a weight-ordered list of dynamic ones; matching walks the path in place,
 * so its cost grows with the path, not with the number of rules. Fully static rules are
 * also kept in one table per domain and answered with a single lookup.
 *
 * @module
 */

import { compareWeights, type Rule, type RulePart } from "./rule.ts";

/** How a dynamic transition tests its text. */
const Test = {
  /** A single converter matching any non-empty segment (`[^/]+`). */
  Segment: 0,
  /** A single converter matching ASCII digits (`\d+`). */
  Digits: 1,
  /** A single final converter matching the non-empty rest not starting with `/`. */
  Rest: 2,
  /** Anything else: the part's regular expression. */
  Regex: 3,
} as const;
type Test = typeof Test[keyof typeof Test];

/** A dynamic transition out of a state. */
interface Transition {
  part: RulePart;
  key: string;
  state: State;
  test: Test;
  regex: RegExp | null;
  groupNames: string[];
}

/** A state of the machine: the rules ending here and the transitions out. */
class State {
  staticMap: globalThis.Map<string, State> | null = null;
  /** The single static transition's text when there is exactly one (compare in place). */
  soleKey: string | null = null;
  soleState: State | null = null;
  slashState: State | null = null;
  dynamic: Transition[] = [];
  rules: Rule[] = [];

  staticChild(text: string): State | undefined {
    return this.staticMap?.get(text);
  }
}

/** Returned through the walk when a rule matches only with a trailing slash. */
const SLASH_REQUIRED = Symbol("slash required");

/** What the walk found: the rule and the raw captured values, in capture order. */
export interface MatcherHit {
  /** The matched rule. */
  rule: Rule;
  /** The captured strings, before conversion. */
  values: string[];
}

/** The outcome of `StateMachineMatcher.match` that is not a hit. */
export type MatcherMiss =
  | { kind: "none"; methods: Set<string> | null }
  | { kind: "redirect"; path: string };

function classify(part: RulePart): Test {
  if (part.converterCount === 1 && part.soleRegex !== null) {
    if (!part.final && part.soleRegex === "[^/]+") return Test.Segment;
    if (!part.final && part.soleRegex === "\\d+") return Test.Digits;
    if (part.final && !part.suffixed && part.soleRegex === "[^/].*?") return Test.Rest;
  }
  return Test.Regex;
}

function isDigits(path: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Werkzeug's state machine over `[domain, ...path.split("/")]`, compiled for speed.
 * Not reentrant during one `match` call (it keeps scratch state on the instance).
 */
export class StateMachineMatcher {
  /** Whether the map merges repeated slashes (retry with merged slashes on a miss). */
  mergeSlashes: boolean;
  #root = new State();
  #staticRoutes = new globalThis.Map<string, globalThis.Map<string, State>>();
  #stack: string[] = [];
  #method = "";
  #methods: Set<string> | null = null;

  /** @param mergeSlashes The map's merge-slashes setting. */
  constructor(mergeSlashes: boolean) {
    this.mergeSlashes = mergeSlashes;
  }

  /**
   * Adds a rule's parts as transitions (call `update()` before matching).
   *
   * @param rule A bound, compiled rule.
   */
  add(rule: Rule): void {
    let state = this.#root;
    let allStatic = true;
    for (const part of rule.parts) {
      if (part.static) {
        let map = state.staticMap;
        if (map === null) map = state.staticMap = new globalThis.Map();
        let next = map.get(part.content);
        if (next === undefined) {
          next = new State();
          map.set(part.content, next);
        }
        state = next;
      } else {
        allStatic = false;
        const key = JSON.stringify([part.content, part.final, part.suffixed, part.weight]);
        let transition = state.dynamic.find((t) => t.key === key);
        if (transition === undefined) {
          const test = classify(part);
          const regex = test === Test.Regex ? new RegExp(part.content) : null;
          const groupNames: string[] = [];
          for (let i = 0; i < part.converterCount; i++) groupNames.push(`__phial_${i}`);
          transition = { part, key, state: new State(), test, regex, groupNames };
          state.dynamic.push(transition);
        }
        state = transition.state;
      }
    }
    state.rules.push(rule);
    if (allStatic) {
      const [domainPart, ...pathParts] = rule.parts;
      const domain = domainPart!.content;
      let table = this.#staticRoutes.get(domain);
      if (table === undefined) {
        table = new globalThis.Map();
        this.#staticRoutes.set(domain, table);
      }
      table.set(pathParts.map((p) => p.content).join("/"), state);
    }
  }

  /** Orders dynamic transitions by weight and prepares the per-state shortcuts. */
  update(): void {
    const visit = (state: State): void => {
      state.dynamic.sort((a, b) => compareWeights(a.part.weight, b.part.weight));
      const map = state.staticMap;
      state.soleKey = null;
      state.soleState = null;
      state.slashState = map?.get("") ?? null;
      if (map !== null && map.size === 1) {
        const [key, child] = map.entries().next().value as [string, State];
        state.soleKey = key;
        state.soleState = child;
      }
      if (map !== null) { for (const child of map.values()) visit(child); }
      for (const t of state.dynamic) visit(t.state);
    };
    visit(this.#root);
  }

  /**
   * Finds the rule for a domain part and a path (`/`-prefixed, or empty).
   *
   * @param domain The subdomain (or host, with host matching).
   * @param path The path as `/seg/seg`.
   * @param method The upper-case method.
   * @returns A hit, or why there is none (methods that would match, or a redirect path).
   */
  match(domain: string, path: string, method: string): MatcherHit | MatcherMiss {
    this.#method = method;
    this.#methods = null;
    const table = this.#staticRoutes.get(domain);
    if (table !== undefined) {
      const state = table.get(path);
      if (state !== undefined) {
        const rules = state.rules;
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i]!;
          if (rule.methods === undefined || rule.methods.has(method)) {
            return { rule, values: [] };
          }
        }
      }
    }
    let rv = this.#matchDomain(domain, path);
    if (rv === SLASH_REQUIRED) return { kind: "redirect", path: path + "/" };
    if (rv === null && this.mergeSlashes && path.includes("//")) {
      const merged = path.replace(/\/{2,}/g, "/");
      rv = this.#matchDomain(domain, merged);
      if (rv === SLASH_REQUIRED) return { kind: "redirect", path: merged + "/" };
      if (rv === null || rv.mergeSlashes === false) {
        return { kind: "none", methods: this.#methods };
      }
      return { kind: "redirect", path: merged };
    }
    if (rv === null) return { kind: "none", methods: this.#methods };
    const count = rv.converterNames.length;
    const values = count === 0 ? [] : this.#stack.slice(0, count);
    return { rule: rv, values };
  }

  /** Methods that would have matched in the last `match` call (for 405). */
  get lastMethods(): Set<string> | null {
    return this.#methods;
  }

  #matchDomain(domain: string, path: string): Rule | typeof SLASH_REQUIRED | null {
    this.#stack.length = 0;
    const root = this.#root;
    const next = root.staticChild(domain);
    if (next !== undefined) {
      const rv = this.#walk(next, path, 0);
      if (rv !== null) return rv;
    }
    const dynamic = root.dynamic;
    for (let i = 0; i < dynamic.length; i++) {
      const t = dynamic[i]!;
      if (!this.#test(t, domain, 0, domain.length)) continue;
      const rv = this.#walk(t.state, path, 0);
      if (rv !== null) return rv;
      this.#stack.length = 0;
    }
    return null;
  }

  /** Records the methods of a rule that matched the path but not the method. */
  #allows(rule: Rule): boolean {
    const methods = rule.methods;
    if (methods === undefined || methods.has(this.#method)) return true;
    const seen = this.#methods ??= new Set();
    for (const m of methods) seen.add(m);
    return false;
  }

  /**
   * Tests a dynamic transition against `text[start, end)` and pushes its values. For a
   * suffixed transition returns 2 when the trailing slash was present.
   */
  #test(t: Transition, text: string, start: number, end: number): number {
    switch (t.test) {
      case Test.Segment:
        if (end <= start) return 0;
        this.#stack.push(text.slice(start, end));
        return 1;
      case Test.Digits:
        if (!isDigits(text, start, end)) return 0;
        this.#stack.push(text.slice(start, end));
        return 1;
      case Test.Rest: {
        if (end <= start || text.charCodeAt(start) === 47) return 0;
        const value = text.slice(start, end);
        // `.` does not cross a newline in Werkzeug's pattern.
        if (value.indexOf("\n", 1) !== -1) return 0;
        this.#stack.push(value);
        return 1;
      }
      default: {
        const target = start === 0 && end === text.length ? text : text.slice(start, end);
        const m = t.regex!.exec(target);
        if (m === null) return 0;
        const groups = m.groups!;
        const names = t.groupNames;
        for (let i = 0; i < names.length; i++) this.#stack.push(groups[names[i]!] ?? "");
        if (t.part.suffixed && m[m.length - 1] === "/") return 2;
        return 1;
      }
    }
  }

  /**
   * Walks from `state` with the path's segments starting at `pos` (`pos > path.length`:
   * no segment left; `pos === path.length`: one empty segment left).
   */
  #walk(state: State, path: string, pos: number): Rule | typeof SLASH_REQUIRED | null {
    const len = path.length;
    if (pos > len) {
      const rules = state.rules;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (this.#allows(rule)) return rule;
      }
      const slash = state.slashState;
      if (slash !== null) {
        const slashRules = slash.rules;
        for (let i = 0; i < slashRules.length; i++) {
          const rule = slashRules[i]!;
          const methods = rule.methods;
          if (methods === undefined || methods.has(this.#method)) {
            return rule.strictSlashes ? SLASH_REQUIRED : rule;
          }
        }
      }
      return null;
    }
    let end = path.indexOf("/", pos);
    if (end === -1) end = len;
    const soleKey = state.soleKey;
    if (soleKey !== null) {
      if (
        soleKey.length === end - pos && (soleKey.length === 0 || path.startsWith(soleKey, pos))
      ) {
        const rv = this.#walk(state.soleState!, path, end + 1);
        if (rv !== null) return rv;
      }
    } else if (state.staticMap !== null) {
      const child = end === pos ? state.slashState : state.staticMap.get(path.slice(pos, end));
      if (child !== undefined && child !== null) {
        const rv = this.#walk(child, path, end + 1);
        if (rv !== null) return rv;
      }
    }
    const dynamic = state.dynamic;
    if (dynamic.length > 0) {
      const stack = this.#stack;
      const mark = stack.length;
      for (let i = 0; i < dynamic.length; i++) {
        const t = dynamic[i]!;
        const final = t.part.final;
        const found = this.#test(t, path, pos, final ? len : end);
        if (found === 0) continue;
        const next = final ? (found === 2 ? len : len + 1) : end + 1;
        const rv = this.#walk(t.state, path, next);
        if (rv !== null) return rv;
        stack.length = mark;
      }
    }
    if (pos === len) {
      const rules = state.rules;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (rule.strictSlashes) continue;
        if (this.#allows(rule)) return rule;
      }
    }
    return null;
  }
}
