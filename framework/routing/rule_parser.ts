/**
 * The rule-string grammar: `/static/<converter(args):name>/...` split into tokens, and
 * converter arguments parsed as Werkzeug reads them (`1`, `2.5`, `"text"`, `True`,
 * `fixed_digits=4`).
 *
 * @module
 */

/** One token of a rule string. */
export type RuleToken =
  | { kind: "slash" }
  | { kind: "static"; text: string }
  | { kind: "variable"; converter: string; args: string | null; name: string };

// A slash, static text, or a `<converter(arguments):name>` placeholder.
const TOKEN_RE =
  /(\/)|([^</]+)|<(?:([a-zA-Z_][a-zA-Z0-9_]*)(?:\((.*?)\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>/y;

/**
 * Splits a rule string (or a subdomain/host pattern) into tokens.
 *
 * @param rule The rule string, e.g. `"/user/<int:id>"`.
 * @returns The tokens, in order.
 * @throws {TypeError} `Cannot parse rule: …` naming the rule and the position.
 */
export function tokenizeRule(rule: string): RuleToken[] {
  const tokens: RuleToken[] = [];
  let pos = 0;
  while (pos < rule.length) {
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(rule);
    if (m === null) {
      const end = rule.indexOf(">", pos);
      const bad = end === -1 ? rule.slice(pos) : rule.slice(pos, end + 1);
      throw new TypeError(
        `Cannot parse rule: malformed variable ${JSON.stringify(bad)} at position ${pos} in ${
          JSON.stringify(rule)
        }`,
      );
    }
    if (m[1] !== undefined) tokens.push({ kind: "slash" });
    else if (m[2] !== undefined) tokens.push({ kind: "static", text: m[2] });
    else {
      tokens.push({
        kind: "variable",
        converter: m[3] ?? "default",
        args: m[4] ?? null,
        name: m[5]!,
      });
    }
    pos = TOKEN_RE.lastIndex;
  }
  return tokens;
}

// One argument: optional `name=`, then a constant, a bare word or a quoted string, then a
// comma (one is appended to the whole text). `.` in the number forms is any character, as
// in Werkzeug's grammar.
const ARG_RE =
  /\s*(?:([\p{L}\p{N}_]+)\s*=\s*)?(True|False|\d+.\d+|\d+.|\d+|[\p{L}\p{N}_.]+|[urUR]?("[^"]*?"|'[^']*'))\s*,/gu;

/** Turns `fixed_digits` into `fixedDigits`; camelCase names pass through. */
export function camelCaseName(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** A converter argument's value the way Python reads the literal. */
function pythonize(text: string): unknown {
  if (text === "None") return null;
  if (text === "True") return true;
  if (text === "False") return false;
  const compact = text.replaceAll("_", "");
  if (/^\d+$/.test(compact) && !/^_|_$|__/.test(text)) return Number(compact);
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(compact) && !/^_|_$|__/.test(text)) {
    return Number(compact);
  }
  if (/^(inf|infinity)$/i.test(text)) return Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text.at(-1) === text[0]) {
    return text.slice(1, -1);
  }
  return text;
}

/**
 * Parses the text between a converter's parentheses into positional values and keyword
 * values (keyword names converted to camelCase).
 *
 * @param argText E.g. `min=1, max=99` or `about, "help me"`.
 * @returns `[positional, keywords]`.
 * @throws {TypeError} When a piece cannot be read as an argument.
 */
export function parseConverterArgs(argText: string): [unknown[], Record<string, unknown>] {
  if (argText === "") return [[], {}];
  const text = argText + ",";
  const args: unknown[] = [];
  const kwargs: Record<string, unknown> = {};
  let position = 0;
  ARG_RE.lastIndex = 0;
  for (const m of text.matchAll(ARG_RE)) {
    if (m.index !== position) {
      throw new TypeError(
        `Cannot parse converter argument ${JSON.stringify(text.slice(position, m.index))}`,
      );
    }
    const raw = m[3] ?? m[2]!;
    const value = pythonize(raw);
    if (m[1] === undefined) args.push(value);
    else kwargs[camelCaseName(m[1])] = value;
    position = m.index + m[0].length;
  }
  return [args, kwargs];
}
