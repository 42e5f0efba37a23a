// Type-level tests for RuleArgs (checked by `deno check`), plus runtime uses of views
// typed with it so the file also runs under `deno test`.
import { strictEqual } from "node:assert/strict";
import type { ConverterValue, RuleArgs } from "../../framework/routing/rule_args.ts";

/** True when A and B are the same type (mutual assignability is too weak for this). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
/** Compiles only when given `true`. */
type Expect<T extends true> = T;

type Digits = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
/** A rule with 40 variables, `/<int:v0>/<int:v1>/.../<int:v39>`. */
type LongRule = Join<Segments<[]>>;
type Segments<Acc extends string[]> = Acc["length"] extends 40 ? Acc
  : Segments<[...Acc, `<int:v${Acc["length"]}>`]>;
type Join<P extends string[]> = P extends [infer H extends string, ...infer T extends string[]]
  ? `/${H}${Join<T>}`
  : "";

// The right types are inferred.
export type Cases = [
  Expect<Equal<RuleArgs<"/user/<int:id>/<path:rest>">, { id: number; rest: string }>>,
  Expect<Equal<RuleArgs<"/<name>">, { name: string }>>,
  Expect<Equal<RuleArgs<"/<string:lang>/<default:page>">, { lang: string; page: string }>>,
  Expect<Equal<RuleArgs<"/x/<float:x>">, { x: number }>>,
  Expect<Equal<RuleArgs<"/o/<uuid:oid>">, { oid: string }>>,
  Expect<Equal<RuleArgs<"/<any(about, help):page>">, { page: string }>>,
  Expect<Equal<RuleArgs<"/<int(min=1):n>">, { n: number }>>,
  Expect<Equal<RuleArgs<"/<int(fixed_digits=4, max=9999):year>">, { year: number }>>,
  Expect<Equal<RuleArgs<"/<float(signed=True):x>">, { x: number }>>,
  Expect<Equal<RuleArgs<"/<string(length=2):lang>">, { lang: string }>>,
  // arguments holding ":" and ")" do not confuse the converter or variable name
  Expect<Equal<RuleArgs<'/<any("a:b", "c)d"):page>'>, { page: string }>>,
  // static text around and between variables
  Expect<
    Equal<
      RuleArgs<"/repos/<owner>/<repo>/issues/<int:number>.json">,
      { owner: string; repo: string; number: number }
    >
  >,
  Expect<Equal<RuleArgs<"/<int:a>-<int:b>">, { a: number; b: number }>>,
  // custom converters: string unless declared
  Expect<Equal<RuleArgs<"/<bool:b>">, { b: string }>>,
  Expect<Equal<RuleArgs<"/<bool:b>", { bool: boolean }>, { b: boolean }>>,
  Expect<
    Equal<RuleArgs<"/<bool:b>/<int:n>/<date:d>", { bool: boolean }>, {
      b: boolean;
      n: number;
      d: string;
    }>
  >,
  // a declared converter overrides a built-in, as a Map's converters may
  Expect<Equal<RuleArgs<"/<int:n>", { int: bigint }>, { n: bigint }>>,
  // no variables: an object with no keys
  Expect<Equal<RuleArgs<"/">, Record<string, never>>>,
  Expect<Equal<RuleArgs<"/about/team">, Record<string, never>>>,
  // a rule that is not a literal type
  Expect<Equal<RuleArgs<string>, Record<string, unknown>>>,
  // a long rule stays within the instantiation depth limit (the walk is tail-recursive)
  Expect<Equal<RuleArgs<LongRule>["v39"], number>>,
  Expect<Equal<keyof RuleArgs<LongRule>, `v${Digits}` | `v${1 | 2 | 3}${Digits}`>>,
  // a union of rules gives a union of value objects, not one merged object
  Expect<Equal<RuleArgs<"/<int:id>" | "/<name>">, { id: number } | { name: string }>>,
  Expect<Equal<ConverterValue<"path">, string>>,
  Expect<Equal<ConverterValue<"int">, number>>,
];

// A wrong use does not compile.
// @ts-expect-error an int variable is a number, not a string
export const wrongType: RuleArgs<"/<int:id>"> = { id: "x" };
// @ts-expect-error a path variable is a string
export const wrongPath: RuleArgs<"/<path:p>"> = { p: 1 };
// @ts-expect-error a variable cannot be left out
export const missing: RuleArgs<"/<int:a>/<int:b>"> = { a: 1 };
// @ts-expect-error a rule has no variables it does not name
export const extra: RuleArgs<"/<int:a>"> = { a: 1, b: 2 };
// @ts-expect-error a rule with no variables takes no values
export const noneGiven: RuleArgs<"/about"> = { id: 1 };
// @ts-expect-error a declared custom converter's type is enforced
export const wrongCustom: RuleArgs<"/<bool:b>", { bool: boolean }> = { b: "true" };
export function readsUnknown(args: RuleArgs<"/<int:id>">): number {
  // @ts-expect-error a view cannot read a variable the rule does not capture
  return args.other;
}
export function misuses(args: RuleArgs<"/u/<uuid:u>">): string {
  // @ts-expect-error a uuid is a string, with no number methods
  return args.u.toFixed(2);
}

/** A view typed from its rule, as the app layer types `app.route(rule, view)`. */
function route<R extends string, T>(
  _rule: R,
  view: (args: RuleArgs<R>) => T,
): (args: RuleArgs<R>) => T {
  return view;
}

Deno.test("RuleArgs types a view's values from its rule string", () => {
  const user = route("/user/<int:id>/<path:rest>", ({ id, rest }) => `${id + 1}:${rest.length}`);
  strictEqual(user({ id: 41, rest: "a/b" }), "42:3");
  const ranged = route("/page/<int(min=1):n>", ({ n }) => n * 2);
  strictEqual(ranged({ n: 21 }), 42);
});

Deno.test("RuleArgs lets a view of a rule without variables take nothing or {}", () => {
  const none = route("/", () => "index");
  // deno-lint-ignore no-empty-pattern -- the `({}) => ...` shape users write is the point
  const empty = route("/about", ({}) => "about");
  strictEqual(none({}), "index");
  strictEqual(empty({}), "about");
});
