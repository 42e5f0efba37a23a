/**
 * The compiled matcher: a state machine over path segments (Werkzeug's
 * `StateMachineMatcher`), built once per map update. Each state has a table of static
 * transitions (inline, scanned, or hashed by fan-out, with runs of single static
 * segments compressed into one comparison) and a weight-ordered list of dynamic ones;
 * matching walks the path in place, so its cost grows with the path, not with the number
 * of rules. Common converters are tested without a regex. Fully static rules are also
 * kept in one table per domain and answered with a single lookup.
 *
 * @module
 */

import { compareWeights, type Rule, type RulePart } from "./rule.ts";

/** How a dynamic transition tests its text. */
const Test = {
  /** A single converter matching any non-empty segment (`[^/]+`). */
  Segment: 0,
  /** A single converter matching decimal digits (`\d+`, Unicode digits as in Python). */
  Digits: 1,
  /** A single final converter matching the non-empty rest not starting with `/`. */
  Rest: 2,
  /** Anything else: the part's regular expression. */
  Regex: 3,
} as const;
type Test = typeof Test[keyof typeof Test];
const SEGMENT: Test = Test.Segment;

/** A dynamic transition out of a state. */
interface Transition {
  part: RulePart;
  key: string;
  state: State;
  test: Test;
  regex: RegExp | null;
  groupNames: string[];
}

/** Static fan-out above which children are found by hash instead of a linear scan. */
const LINEAR_LIMIT = 16;

/** A state of the machine: the rules ending here and the transitions out. */
class State {
  // Fields read on every step come first: V8 lays them out in this order, so they share
  // the first cache line of the object.
  /** `linear`'s keys packed as `length << 16 | first char`, scanned before any child. */
  linearKeys: Int32Array | null = null;
  /** The packed key and state of the only static child, inline (-1: none or several). */
  soleKey = -1;
  soleChild: State | null = null;
  /** Static children for a linear scan (few children), or `null`. */
  linear: State[] | null = null;
  /** Static children by segment hash, open-addressed (many children), or `null`. */
  hashed: (State | null)[] | null = null;
  /** `hashed.length - 1` (a power of two minus one). */
  hashMask = 0;
  /**
   * When the only dynamic transition is a plain one-segment converter: its target (the
   * common case, followed without touching the transition list).
   */
  segmentNext: State | null = null;
  /** `dynamic.length`, `rules.length`, kept on the state itself. */
  dynamicCount = 0;
  ruleCount = 0;
  /**
   * Path compression: when this state only leads on through single static children
   * (no rules, no dynamic transitions), `chainText` is the `/`-joined run of segments
   * from this state's own text and `chainEnd` the state it reaches; else `chainEnd` is
   * this state.
   */
  chainEnd: State = this;
  chainText = "";
  /** The static text that leads here (empty for dynamic targets). */
  text = "";
  /** The hash of `text`, compared before the text itself. */
  hash = 0;
  /** The same as `methodTable` as flat lists (method `i` → rule `i`), scanned when short. */
  methodNames: string[] | null = null;
  methodRules: Rule[] | null = null;
  /** Up to two methods and their rules inline (most end states have one rule). */
  method0: string | null = null;
  rule0: Rule | null = null;
  method1: string | null = null;
  rule1: Rule | null = null;
  /** The first rule without a method list. */
  anyRule: Rule | null = null;
  slashState: State | null = null;
  /** The state after the leading empty segment, when that is the only way on. */
  entry: State | null = null;
  staticMap: globalThis.Map<string, State> | null = null;
  dynamic: Transition[] = [];
  rules: Rule[] = [];
  /** The first rule (in order) accepting each method, up to the first method-less rule. */
  methodTable: globalThis.Map<string, Rule> | null = null;

  constructor(text: string) {
    this.text = text;
    this.chainText = text;
    this.hash = hashSegment(text, 0, text.length);
  }

  /** The first rule accepting `method`, or `null`. */
  pick(method: string): Rule | null {
    if (this.method0 !== null) {
      if (this.method0 === method) return this.rule0;
      if (this.method1 === method) return this.rule1;
      return this.anyRule;
    }
    const names = this.methodNames;
    if (names !== null) {
      for (let i = 0; i < names.length; i++) {
        if (names[i] === method) return this.methodRules![i]!;
      }
      return this.anyRule;
    }
    const table = this.methodTable;
    if (table !== null) {
      const rule = table.get(method);
      if (rule !== undefined) return rule;
    }
    return this.anyRule;
  }
}

/** A segment's length and first character in one integer, for a quick first test. */
function packKey(text: string, start: number, end: number): number {
  return end === start ? 0 : ((end - start) << 16) | text.charCodeAt(start);
}

/**
 * Whether `path` holds `text` at `pos` (the caller checked that it fits). A plain loop:
 * segments are short, and calling `startsWith` costs more than comparing them.
 */
function sameText(path: string, pos: number, text: string): boolean {
  return sameTextFrom(path, pos, text, 0);
}

/** Like `sameText`, skipping the first `from` characters (already compared). */
function sameTextFrom(path: string, pos: number, text: string, from: number): boolean {
  for (let i = text.length - 1; i >= from; i--) {
    if (path.charCodeAt(pos + i) !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether `path` has two slashes in a row (a plain loop beats `includes` here). */
function hasDoubleSlash(path: string): boolean {
  for (let i = path.indexOf("/") + 1; i > 0 && i < path.length; i++) {
    if (path.charCodeAt(i) === 47 && path.charCodeAt(i - 1) === 47) return true;
  }
  return false;
}

function hashSegment(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  // Kept in the small-integer range so map lookups do not box the key.
  return h & 0x3fffffff;
}

/** Returned through the walk when a rule matches only with a trailing slash. */
const SLASH_REQUIRED = Symbol("slash required");
/** `StateMachineMatcher.match` result: redirect to `redirectPath`. */
export const REDIRECT: unique symbol = Symbol("redirect");

function classify(part: RulePart): Test {
  if (part.converterCount === 1 && part.soleRegex !== null) {
    if (!part.final && (part.soleRegex === "[^/]+" || part.soleRegex === "[^/]{1,}")) {
      return Test.Segment;
    }
    if (!part.final && part.soleRegex === "\\d+") return Test.Digits;
    if (part.final && !part.suffixed && part.soleRegex === "[^/].*?") return Test.Rest;
  }
  return Test.Regex;
}

const UNICODE_DIGITS = /^\p{Nd}+$/u;

/** `\d+` as Python reads it: ASCII digits, or any Unicode decimal digits. */
function isDigits(path: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = path.charCodeAt(i);
    if (c < 48 || c > 57) return c >= 128 && UNICODE_DIGITS.test(path.slice(start, end));
  }
  return true;
}

/**
 * Werkzeug's state machine over `[domain, ...path.split("/")]`, compiled for speed.
 * A `match` leaves its captured values in `values` until the next call.
 */
export class StateMachineMatcher {
  /** Whether the map merges repeated slashes (retry with merged slashes on a miss). */
  mergeSlashes: boolean;
  /** After a `REDIRECT` result: the path (unquoted) to redirect to. */
  redirectPath: string = "";
  /** After a hit: the captured strings (the first `valueCount`), in converter order. */
  readonly values: string[] = [];
  /** How many entries of `values` the last hit captured. */
  valueCount: number = 0;
  #root = new State("");
  #staticRoutes = new globalThis.Map<string, globalThis.Map<string, State>>();
  #method = "";
  /** Whether a rule matched the path but not the method during the last walk. */
  #mismatch = false;
  /**
   * Whether the last walk looked at a part of the path where merging `//` could change
   * the outcome (an empty inner segment, a converter spanning segments, a compressed
   * static run that failed). If not, a retry with merged slashes would fail the same way.
   */
  #mergeHint = false;
  /** When collecting, the methods of rules that matched the path but not the method. */
  #methods: Set<string> | null = null;

  /**
   * Creates an empty matcher.
   *
   * @param mergeSlashes The map's merge-slashes setting.
   */
  constructor(mergeSlashes: boolean) {
    this.mergeSlashes = mergeSlashes;
  }

  /**
   * Adds a rule's parts as transitions (call `update()` before matching).
   *
   * @param rule A bound, compiled rule.
   */
  add(rule: Rule): void {
    this.#domain = null;
    let state = this.#root;
    let allStatic = true;
    for (const part of rule.parts) {
      if (part.static) {
        let map = state.staticMap;
        if (map === null) map = state.staticMap = new globalThis.Map();
        let next = map.get(part.content);
        if (next === undefined) {
          next = new State(part.content);
          map.set(part.content, next);
        }
        state = next;
      } else {
        allStatic = false;
        const key = part.key;
        let transition = state.dynamic.find((t) => t.key === key);
        if (transition === undefined) {
          const test = classify(part);
          const regex = test === Test.Regex
            ? new RegExp(part.content, part.unicode ? "u" : "")
            : null;
          const groupNames: string[] = [];
          for (let i = 0; i < part.converterCount; i++) groupNames.push(`__phial_${i}`);
          transition = { part, key, state: new State(""), test, regex, groupNames };
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

  /** Orders dynamic transitions by weight and prepares the per-state lookup tables. */
  update(): void {
    this.#domain = null;
    const isLink = (state: State): boolean =>
      state.rules.length === 0 && state.dynamic.length === 0 &&
      state.staticMap !== null && state.staticMap.size === 1 && state.slashState === null;
    const compress = (child: State): void => {
      child.chainText = child.text;
      child.chainEnd = child;
      if (child.text === "") return;
      let end = child;
      let text = child.text;
      while (isLink(end)) {
        const next = end.staticMap!.values().next().value as State;
        text += "/" + next.text;
        end = next;
      }
      child.chainText = text;
      child.chainEnd = end;
    };
    const visit = (state: State): void => {
      state.dynamic.sort((a, b) => compareWeights(a.part.weight, b.part.weight));
      const map = state.staticMap;
      state.slashState = map?.get("") ?? null;
      state.linear = null;
      state.linearKeys = null;
      state.soleKey = -1;
      state.soleChild = null;
      state.hashed = null;
      if (map !== null) {
        const children = [...map.values()];
        if (children.length <= LINEAR_LIMIT) {
          state.linear = children;
          state.linearKeys = Int32Array.from(children, (c) => packKey(c.text, 0, c.text.length));
          if (children.length === 1) {
            state.soleKey = state.linearKeys[0]!;
            state.soleChild = children[0]!;
          }
        } else {
          // Open addressing, at most half full: probes stay short and in one array.
          let size = 4;
          while (size < children.length * 2) size *= 2;
          const slots = new Array<State | null>(size).fill(null);
          for (const child of children) {
            let i = child.hash & (size - 1);
            while (slots[i] !== null) i = (i + 1) & (size - 1);
            slots[i] = child;
          }
          state.hashed = slots;
          state.hashMask = size - 1;
        }
        for (const child of children) visit(child);
        for (const child of children) compress(child);
      }
      state.methodTable = null;
      state.anyRule = null;
      for (const rule of state.rules) {
        if (rule.methods === undefined) {
          state.anyRule = rule;
          break;
        }
        const table = state.methodTable ??= new globalThis.Map();
        for (const m of rule.methods) if (!table.has(m)) table.set(m, rule);
      }
      state.methodNames = null;
      state.methodRules = null;
      state.method0 = state.method1 = null;
      state.rule0 = state.rule1 = null;
      if (state.methodTable !== null && state.methodTable.size <= 2) {
        const entries = [...state.methodTable];
        state.method0 = entries[0]![0];
        state.rule0 = entries[0]![1];
        if (entries.length > 1) {
          state.method1 = entries[1]![0];
          state.rule1 = entries[1]![1];
        }
      } else if (state.methodTable !== null && state.methodTable.size <= 8) {
        state.methodNames = [...state.methodTable.keys()];
        state.methodRules = [...state.methodTable.values()];
      }
      for (const t of state.dynamic) visit(t.state);
      state.dynamicCount = state.dynamic.length;
      state.ruleCount = state.rules.length;
      state.segmentNext = state.dynamic.length === 1 && state.dynamic[0]!.test === SEGMENT
        ? state.dynamic[0]!.state
        : null;
      const only = map !== null && map.size === 1 ? map.get("") : undefined;
      state.entry = only !== undefined && state.dynamic.length === 0 && state.rules.length === 0
        ? only
        : null;
    };
    visit(this.#root);
  }

  /**
   * Finds the rule for a domain part and a path (`/`-prefixed, or empty). On a hit the
   * captured strings are in `values`; on `REDIRECT` the target is `redirectPath`.
   *
   * @param domain The subdomain (or host, with host matching).
   * @param path The path as `/seg/seg`.
   * @param method The upper-case method.
   * @returns The rule, `REDIRECT`, or `null` (see `methodsFor` to tell 404 from 405).
   */
  match(domain: string, path: string, method: string): Rule | typeof REDIRECT | null {
    this.#method = method;
    this.#mismatch = false;
    this.#methods = null;
    if (domain !== this.#domain) this.#selectDomain(domain);
    const table = this.#domainRoutes;
    if (table !== undefined) {
      const state = table.get(path);
      if (state !== undefined) {
        const rule = state.pick(method);
        if (rule !== null) {
          this.valueCount = 0;
          return rule;
        }
      }
    }
    return this.#run(domain, path);
  }

  // The last domain matched and what it selects (nearly always the same one: "").
  #domain: string | null = null;
  #domainRoutes: globalThis.Map<string, State> | undefined = undefined;
  #domainState: State | undefined = undefined;

  #selectDomain(domain: string): void {
    this.#domain = domain;
    this.#domainRoutes = this.#staticRoutes.get(domain);
    this.#domainState = this.#root.staticMap?.get(domain);
  }

  /** Whether the last `match` saw a rule for the path that refused the method. */
  get sawMethodMismatch(): boolean {
    return this.#mismatch;
  }

  /**
   * The methods of the rules that matched the path but not the method, collected as
   * Werkzeug does (up to the rule that matched, if one did). Runs the walk again: only
   * called on the way to a 405.
   *
   * @param domain As given to `match`.
   * @param path As given to `match`.
   * @param method As given to `match`.
   * @returns The methods (empty: the answer is 404).
   */
  methodsFor(domain: string, path: string, method: string): Set<string> {
    this.#method = method;
    const methods = this.#methods = new Set();
    try {
      this.#run(domain, path);
    } finally {
      this.#methods = null;
    }
    return methods;
  }

  #run(domain: string, path: string): Rule | typeof REDIRECT | null {
    this.#mergeHint = false;
    let rv = this.#matchDomain(domain, path);
    if (rv === SLASH_REQUIRED) {
      this.redirectPath = path + "/";
      return REDIRECT;
    }
    if (rv === null && this.mergeSlashes && this.#mergeHint && hasDoubleSlash(path)) {
      const merged = path.replace(/\/{2,}/g, "/");
      rv = this.#matchDomain(domain, merged);
      if (rv === SLASH_REQUIRED) {
        this.redirectPath = merged + "/";
        return REDIRECT;
      }
      if (rv === null || rv.mergeSlashes === false) return null;
      this.redirectPath = merged;
      return REDIRECT;
    }
    return rv;
  }

  #matchDomain(domain: string, path: string): Rule | typeof SLASH_REQUIRED | null {
    this.valueCount = 0;
    const root = this.#root;
    if (domain !== this.#domain) this.#selectDomain(domain);
    const next = this.#domainState;
    if (next !== undefined) {
      // Most paths start with "/": step over the empty first segment directly.
      const entry = next.entry;
      const rv = entry !== null && path.charCodeAt(0) === 47
        ? this.#walk(entry, path, 1)
        : this.#walk(next, path, 0);
      if (rv !== null) return rv;
      this.valueCount = 0;
    }
    const dynamic = root.dynamic;
    for (let i = 0; i < dynamic.length; i++) {
      const t = dynamic[i]!;
      if (!this.#test(t, domain, 0, domain.length)) continue;
      const rv = this.#walk(t.state, path, 0);
      if (rv !== null) return rv;
      this.valueCount = 0;
    }
    return null;
  }

  /** The first rule of `state` accepting the method, recording mismatches. */
  #accept(state: State): Rule | null {
    const methods = this.#methods;
    if (methods === null) {
      const rule = state.pick(this.#method);
      if (rule === null && state.rules.length > 0) this.#mismatch = true;
      return rule;
    }
    for (const rule of state.rules) {
      if (rule.methods === undefined || rule.methods.has(this.#method)) return rule;
      for (const m of rule.methods) methods.add(m);
    }
    return null;
  }

  /**
   * Tests a dynamic transition against `text[start, end)` and pushes its values. For a
   * suffixed transition returns 2 when the trailing slash was present.
   */
  #test(t: Transition, text: string, start: number, end: number): number {
    switch (t.test) {
      case Test.Segment:
        if (end <= start) return 0;
        this.values[this.valueCount++] = text.slice(start, end);
        return 1;
      case Test.Digits:
        if (!isDigits(text, start, end)) return 0;
        this.values[this.valueCount++] = text.slice(start, end);
        return 1;
      case Test.Rest: {
        if (end <= start || text.charCodeAt(start) === 47) return 0;
        const value = text.slice(start, end);
        // `.` does not cross a newline in Werkzeug's pattern.
        if (value.indexOf("\n", 1) !== -1) return 0;
        this.values[this.valueCount++] = value;
        return 1;
      }
      default: {
        const target = start === 0 && end === text.length ? text : text.slice(start, end);
        const m = t.regex!.exec(target);
        if (m === null) return 0;
        const groups = m.groups!;
        const names = t.groupNames;
        for (let i = 0; i < names.length; i++) {
          this.values[this.valueCount++] = groups[names[i]!] ?? "";
        }
        if (t.part.suffixed && m[m.length - 1] === "/") return 2;
        return 1;
      }
    }
  }

  /** The static child of a state with few children for `path[pos, end)`. */
  #linearChild(state: State, path: string, pos: number, end: number): State | null {
    const keys = state.linearKeys!;
    const len = end - pos;
    const want = packKey(path, pos, end);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== want) continue;
      const child = state.linear![i]!;
      // The packed key holds the length modulo 2^16: compare the real one too.
      if (child.text.length === len && (len <= 1 || sameText(path, pos, child.text))) {
        return child;
      }
    }
    return null;
  }

  /** The static child in an open-addressed table for `path[pos, end)` with hash `h`. */
  #hashedChild(
    hashed: (State | null)[],
    mask: number,
    h: number,
    path: string,
    pos: number,
    end: number,
  ): State | null {
    const len = end - pos;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const child = hashed[i]!;
      if (child === null) return null;
      if (child.hash === h && child.text.length === len && sameText(path, pos, child.text)) {
        return child;
      }
    }
  }

  /**
   * Walks from `state` with the path's segments starting at `pos` (`pos > path.length`:
   * no segment left; `pos === path.length`: one empty segment left). Steps without a
   * choice (one way on) loop instead of recursing; choice points recurse and backtrack.
   */
  #walk(state: State, path: string, pos: number): Rule | typeof SLASH_REQUIRED | null {
    const len = path.length;
    for (;;) {
      if (pos > len) {
        if (state.rules.length > 0) {
          const rule = this.#accept(state);
          if (rule !== null) return rule;
        }
        const slash = state.slashState;
        if (slash !== null) {
          const rule = slash.pick(this.#method);
          if (rule !== null) return rule.strictSlashes ? SLASH_REQUIRED : rule;
        }
        return null;
      }
      let end = pos;
      let child: State | null = null;
      const hashed = state.hashed;
      if (hashed !== null) {
        // Hash the segment while looking for its end.
        let h = 0x811c9dc5;
        for (; end < len; end++) {
          const c = path.charCodeAt(end);
          if (c === 47) break;
          h = Math.imul(h ^ c, 16777619);
        }
        child = end === pos
          ? state.slashState
          : this.#hashedChild(hashed, state.hashMask, h & 0x3fffffff, path, pos, end);
      } else {
        while (end < len && path.charCodeAt(end) !== 47) end++;
        if (state.soleChild !== null) {
          if (packKey(path, pos, end) === state.soleKey) {
            const only = state.soleChild;
            const n = end - pos;
            if (only.text.length === n && (n <= 1 || sameText(path, pos, only.text))) {
              child = only;
            }
          }
        } else if (state.linearKeys !== null) {
          child = this.#linearChild(state, path, pos, end);
        }
      }
      if (end === pos && pos > 0 && pos < len) this.#mergeHint = true;
      let after = end + 1;
      if (child !== null && child.chainEnd !== child) {
        // A compressed run of static segments: compare it at once.
        const text = child.chainText;
        const stop = pos + text.length;
        if (
          (stop === len || path.charCodeAt(stop) === 47) &&
          sameTextFrom(path, pos, text, child.text.length)
        ) {
          after = stop + 1;
          child = child.chainEnd;
        } else {
          child = null;
          this.#mergeHint = true;
        }
      }
      const trailing = pos === len && state.ruleCount > 0;
      if (!trailing) {
        if (state.dynamicCount === 0) {
          if (child === null) return null;
          state = child;
          pos = after;
          continue;
        }
        if (child === null && state.segmentNext !== null) {
          if (end === pos) return null;
          this.values[this.valueCount++] = path.slice(pos, end);
          pos = end + 1;
          state = state.segmentNext;
          continue;
        }
        if (child === null && state.dynamicCount === 1) {
          const dynamic = state.dynamic;
          const t = dynamic[0]!;
          if (t.test === SEGMENT) {
            if (end === pos) return null;
            this.values[this.valueCount++] = path.slice(pos, end);
            pos = end + 1;
          } else {
            const final = t.part.final;
            if (final) this.#mergeHint = true;
            const found = this.#test(t, path, pos, final ? len : end);
            if (found === 0) return null;
            pos = final ? (found === 2 ? len : len + 1) : end + 1;
          }
          state = t.state;
          continue;
        }
      }
      if (child !== null) {
        const mark = this.valueCount;
        const rv = this.#walk(child, path, after);
        if (rv !== null) return rv;
        // The static branch may have captured values before it failed.
        this.valueCount = mark;
      }
      const dynamic = state.dynamic;
      if (dynamic.length > 0) {
        const mark = this.valueCount;
        for (let i = 0; i < dynamic.length; i++) {
          const t = dynamic[i]!;
          let next: number;
          if (t.test === SEGMENT) {
            if (end === pos) continue;
            this.values[this.valueCount++] = path.slice(pos, end);
            next = end + 1;
          } else {
            const final = t.part.final;
            if (final) this.#mergeHint = true;
            const found = this.#test(t, path, pos, final ? len : end);
            if (found === 0) continue;
            next = final ? (found === 2 ? len : len + 1) : end + 1;
          }
          const rv = this.#walk(t.state, path, next);
          if (rv !== null) return rv;
          this.valueCount = mark;
        }
      }
      if (trailing) {
        for (const rule of state.rules) {
          if (rule.strictSlashes) continue;
          if (rule.methods === undefined || rule.methods.has(this.#method)) return rule;
          this.#mismatch = true;
          if (this.#methods !== null) { for (const m of rule.methods) this.#methods.add(m); }
        }
      }
      return null;
    }
  }
}
