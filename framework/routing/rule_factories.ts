/**
 * Rule factories, as Werkzeug has them: `Submount` (a path prefix), `Subdomain` and
 * `EndpointPrefix`, each wrapping rules (or other factories) for `Map.add`.
 *
 * @module
 */

import type { Map, RuleFactory } from "./map.ts";
import { Rule } from "./rule.ts";

function* rulesOf(map: Map, rules: Iterable<Rule | RuleFactory>): Generator<Rule> {
  for (const item of rules) {
    if ("getRules" in item && typeof item.getRules === "function") yield* item.getRules(map);
    else yield item as Rule;
  }
}

/**
 * Prefixes the rule strings of the wrapped rules with a path.
 *
 * @example
 * ```ts
 * import { Map as UrlMap, Rule, Submount } from "@phial/phial";
 * const map = new UrlMap([
 *   new Submount("/blog", [new Rule("/entry/<slug>", { endpoint: "blog/show" })]),
 * ]);
 * map.bind("example.com").match("/blog/entry/hello"); // ["blog/show", { slug: "hello" }]
 * ```
 */
export class Submount implements RuleFactory {
  /** The prefix, without a trailing slash. */
  path: string;
  /** The wrapped rules and factories. */
  rules: Iterable<Rule | RuleFactory>;

  /**
   * Creates the factory.
   *
   * @param path The path prefix, e.g. `"/blog"`.
   * @param rules The rules to mount under it.
   */
  constructor(path: string, rules: Iterable<Rule | RuleFactory>) {
    this.path = path.replace(/\/+$/, "");
    this.rules = rules;
  }

  /** Fresh copies of the wrapped rules with the prefix added. */
  *getRules(map: Map): Generator<Rule> {
    for (const rule of rulesOf(map, this.rules)) {
      const copy = rule.empty();
      copy.rule = this.path + copy.rule;
      yield copy;
    }
  }
}

/**
 * Gives the wrapped rules a subdomain pattern.
 *
 * @example
 * ```ts
 * import { Map as UrlMap, Rule, Subdomain } from "@phial/phial";
 * const map = new UrlMap([
 *   new Subdomain("<lang>", [new Rule("/", { endpoint: "index" })]),
 * ]);
 * map.bind("example.com", { subdomain: "de" }).match("/"); // ["index", { lang: "de" }]
 * ```
 */
export class Subdomain implements RuleFactory {
  /** The subdomain pattern. */
  subdomain: string;
  /** The wrapped rules and factories. */
  rules: Iterable<Rule | RuleFactory>;

  /**
   * Creates the factory.
   *
   * @param subdomain The subdomain pattern, in rule syntax.
   * @param rules The rules to put on it.
   */
  constructor(subdomain: string, rules: Iterable<Rule | RuleFactory>) {
    this.subdomain = subdomain;
    this.rules = rules;
  }

  /** Fresh copies of the wrapped rules with the subdomain set. */
  *getRules(map: Map): Generator<Rule> {
    for (const rule of rulesOf(map, this.rules)) {
      const copy = rule.empty();
      copy.subdomain = this.subdomain;
      yield copy;
    }
  }
}

/**
 * Prefixes the endpoints of the wrapped rules.
 *
 * @example
 * ```ts
 * import { EndpointPrefix, Map as UrlMap, Rule } from "@phial/phial";
 * const map = new UrlMap([
 *   new EndpointPrefix("blog/", [new Rule("/", { endpoint: "index" })]),
 * ]);
 * map.bind("example.com").match("/"); // ["blog/index", {}]
 * ```
 */
export class EndpointPrefix implements RuleFactory {
  /** The prefix. */
  prefix: string;
  /** The wrapped rules and factories. */
  rules: Iterable<Rule | RuleFactory>;

  /**
   * Creates the factory.
   *
   * @param prefix The endpoint prefix, e.g. `"blog/"`.
   * @param rules The rules whose endpoints get it.
   */
  constructor(prefix: string, rules: Iterable<Rule | RuleFactory>) {
    this.prefix = prefix;
    this.rules = rules;
  }

  /** Fresh copies of the wrapped rules with the endpoint prefixed. */
  *getRules(map: Map): Generator<Rule> {
    for (const rule of rulesOf(map, this.rules)) {
      const copy = rule.empty();
      copy.endpoint = this.prefix + copy.endpoint;
      yield copy;
    }
  }
}

/** Fills `$name` / `${name}` placeholders as Python's `string.Template.substitute` does. */
function substitute(template: string, context: Record<string, unknown>): string {
  return template.replace(
    /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\}|())/g,
    (match, escaped, named, braced, invalid, offset: number) => {
      if (escaped !== undefined) return "$";
      const name = (named ?? braced) as string | undefined;
      if (name !== undefined) {
        if (!Object.hasOwn(context, name)) {
          throw new TypeError(
            `RuleTemplate has no value for $${name} in ${JSON.stringify(template)}`,
          );
        }
        return String(context[name]);
      }
      if (invalid !== undefined) {
        throw new TypeError(
          `Invalid placeholder at position ${offset} in ${JSON.stringify(template)}`,
        );
      }
      return match;
    },
  );
}

/**
 * Rules with `$name` placeholders in their strings, endpoints, string defaults and
 * subdomains; calling `apply(context)` gives a factory with them filled in (Werkzeug's
 * `RuleTemplate`, whose instances are called).
 *
 * @example
 * ```ts
 * import { Map as UrlMap, Rule, RuleTemplate } from "@phial/phial";
 * const resource = new RuleTemplate([
 *   new Rule("/$name/", { endpoint: "$name.list" }),
 *   new Rule("/$name/<int:id>", { endpoint: "$name.show" }),
 * ]);
 * const map = new UrlMap([resource.apply({ name: "user" }), resource.apply({ name: "page" })]);
 * map.bind("example.com").match("/page/3"); // ["page.show", { id: 3 }]
 * ```
 */
export class RuleTemplate {
  /** The template rules. */
  rules: Rule[];

  /**
   * Creates the template.
   *
   * @param rules Rules whose strings may hold `$name` placeholders.
   */
  constructor(rules: Iterable<Rule>) {
    this.rules = [...rules];
  }

  /**
   * A factory of the rules with the placeholders filled in.
   *
   * @param context The values by placeholder name.
   * @returns The factory to add to a map.
   */
  apply(context: Record<string, unknown>): RuleFactory {
    const rules = this.rules;
    return {
      *getRules(map: Map): Generator<Rule> {
        for (const rule of rulesOf(map, rules)) {
          let defaults: Record<string, unknown> | undefined;
          if (rule.defaults !== undefined) {
            defaults = {};
            for (const [key, value] of Object.entries(rule.defaults)) {
              defaults[key] = typeof value === "string" ? substitute(value, context) : value;
            }
          }
          yield new Rule(substitute(rule.rule, context), {
            endpoint: substitute(rule.endpoint, context),
            ...(rule.methods !== undefined ? { methods: rule.methods } : {}),
            ...(defaults !== undefined ? { defaults } : {}),
            ...(rule.subdomain !== undefined
              ? { subdomain: substitute(rule.subdomain, context) }
              : {}),
            ...(rule.strictSlashes !== undefined ? { strictSlashes: rule.strictSlashes } : {}),
            buildOnly: rule.buildOnly,
          });
        }
      },
    };
  }
}
