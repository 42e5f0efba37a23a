/**
 * `RuleArgs`: the type of the values a rule string captures, computed from the string
 * itself with template-literal types, so a view's argument is typed without a hand-written
 * interface.
 *
 * @module
 */

/**
 * The value types of the built-in converters: `int` and `float` give numbers, every other
 * built-in (`default`, `string`, `path`, `uuid`, `any`) gives a string.
 */
export interface BuiltinConverterTypes {
  /** `<name>`: a string without slashes. */
  default: string;
  /** `<string:name>`: a string without slashes. */
  string: string;
  /** `<int:name>`: an integer. */
  int: number;
  /** `<float:name>`: a float. */
  float: number;
  /** `<path:name>`: a string that may hold slashes. */
  path: string;
  /** `<uuid:name>`: a lowercase UUID string. */
  uuid: string;
  /** `<any(a, b):name>`: one of the listed strings. */
  any: string;
}

/**
 * The value type one converter gives: a declared type from `Custom` first (a `Map` may
 * replace a built-in converter), then the built-in's type, then `string` for a custom
 * converter nobody declared.
 */
export type ConverterValue<Name extends string, Custom extends object = Record<never, never>> =
  Name extends keyof Custom ? Custom[Name]
    : Name extends keyof BuiltinConverterTypes ? BuiltinConverterTypes[Name]
    : string;

/** The variable name after the last `:` of `converter(args):name` (arguments may hold `:`). */
export type RuleVariableName<S extends string> = S extends `${string}:${infer Rest}`
  ? RuleVariableName<Rest>
  : S;

/** The converter name of `converter(args):name` or `converter:name`; `default` for `name`. */
export type RuleConverterName<S extends string> = S extends `${infer C}(${string}` ? C
  : S extends `${infer C}:${string}` ? C
  : "default";

/**
 * One `[name, type]` pair per `<...>` placeholder, collected with an accumulator so the
 * recursion stays a tail call (long rules do not hit the instantiation depth limit).
 */
export type RuleVariables<
  R extends string,
  Custom extends object,
  Acc extends [string, unknown] = never,
> = R extends `${string}<${infer Inner}>${infer Rest}` ? RuleVariables<
    Rest,
    Custom,
    Acc | [RuleVariableName<Inner>, ConverterValue<RuleConverterName<Inner>, Custom>]
  >
  : Acc;

/** Builds the object type from the pairs; an empty rule gives an object with no keys. */
export type RuleArgsFromPairs<P extends [string, unknown]> = [P] extends [never]
  ? Record<string, never>
  : { [E in P as E[0]]: E[1] };

/**
 * The URL values a rule string captures, by name and converter type.
 *
 * `int` and `float` give `number`; `default`, `string`, `path`, `uuid` and `any` give
 * `string`; converter arguments (`<int(min=1):n>`) are allowed. A custom converter gives
 * `string` unless its type is declared in `Custom`, which maps converter names to value
 * types (a declaration also overrides a built-in, as a `Map`'s converters may). A rule
 * with no variables gives `Record<string, never>`, so a view may take no argument or
 * `{}`. A rule string that is not a literal type (plain `string`) gives
 * `Record<string, unknown>`; a union of rule strings gives the union of their object
 * types. The type is computed per rule: nothing accumulates across routes.
 *
 * @typeParam R The rule string, e.g. `"/user/<int:id>"`.
 * @typeParam Custom Value types of custom converters, e.g. `{ bool: boolean }`.
 *
 * @example Typing a view from its rule
 * ```ts
 * import type { RuleArgs } from "@phial/phial";
 *
 * type Args = RuleArgs<"/user/<int:id>/<path:rest>">; // { id: number; rest: string }
 * const view = ({ id, rest }: Args): string => `${id * 2} ${rest.toUpperCase()}`;
 *
 * type Flags = RuleArgs<"/flag/<bool:on>", { bool: boolean }>; // { on: boolean }
 * const flag = ({ on }: Flags): string => (on ? "yes" : "no");
 * ```
 */
export type RuleArgs<R extends string, Custom extends object = Record<never, never>> =
  // A naked type parameter distributes: a union of rules gives one object type per rule.
  R extends string ? RuleArgsOf<R, Custom> : never;

/** The values of one rule string; a non-literal `string` gives an open record. */
export type RuleArgsOf<R extends string, Custom extends object> = string extends R
  ? Record<string, unknown>
  : RuleArgsFromPairs<RuleVariables<R, Custom>>;
