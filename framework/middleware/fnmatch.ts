/**
 * Shell-style wildcard patterns (`*.py`, `[!.]*`), as Python's `fnmatch`: what
 * `SharedDataMiddleware`'s `disallow` takes.
 *
 * @module
 */
import { escapeRegex } from "../http/escape_regex.ts";

const IS_WINDOWS = Deno.build.os === "windows";

/**
 * Whether `name` matches the shell-style `pattern`, as Python's `fnmatch.fnmatch`: `*` any
 * run of characters (`/` included), `?` one character, `[seq]` / `[!seq]` a set; case
 * matters except on Windows.
 *
 * @param name The name to test, such as a file name.
 * @param pattern The pattern.
 * @returns `true` when it matches.
 *
 * @example
 * ```ts
 * import { fnmatch } from "@phial/phial";
 * fnmatch("secret.key", "*.key"); // true
 * fnmatch("site.css", "[!s]*"); // false
 * ```
 */
export function fnmatch(name: string, pattern: string): boolean {
  return fnmatchRegExp(normcase(pattern)).test(normcase(name));
}

/**
 * Python's `os.path.normcase`, which `fnmatch.fnmatch` applies to both sides: on Windows,
 * lower case with backslashes; elsewhere the text as it is.
 *
 * @param text A name or pattern.
 * @returns It, case-normalized for this platform.
 */
export function normcase(text: string): string {
  return IS_WINDOWS ? text.replaceAll("/", "\\").toLowerCase() : text;
}

/** One class member, whatever it is, as a code point escape that means only itself. */
function classChar(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

/**
 * Compiles a pattern once, as Python's `fnmatch.translate`, to a JavaScript RegExp: the same bracket rules (a leading
 * `]` is literal, `!` negates, reversed ranges are dropped, an unclosed `[` is literal) and
 * the same non-backtracking treatment of interior `*` (a lookahead stands in for Python's
 * atomic group). Apply {@linkcode normcase} to the pattern and the names yourself.
 *
 * @param pattern The pattern.
 * @returns A RegExp matching the whole of a name.
 */
export function fnmatchRegExp(pattern: string): RegExp {
  const STAR = null;
  const pieces: (string | null)[] = [];
  const pat = Array.from(pattern);
  const n = pat.length;
  let i = 0;
  while (i < n) {
    const c = pat[i++]!;
    if (c === "*") {
      if (pieces.length === 0 || pieces.at(-1) !== STAR) pieces.push(STAR);
    } else if (c === "?") {
      pieces.push(".");
    } else if (c === "[") {
      let j = i;
      if (j < n && pat[j] === "!") j++;
      if (j < n && pat[j] === "]") j++;
      while (j < n && pat[j] !== "]") j++;
      if (j >= n) {
        pieces.push("\\[");
        continue;
      }
      const negate = pat[i] === "!";
      const start = negate ? i + 1 : i;
      // Chunks are split at the hyphens that make ranges; a hyphen right after "[" or "[!"
      // and the character right after a range's hyphen cannot start another range.
      const chunks: string[][] = [];
      let from = start;
      let k = start + 1;
      for (;;) {
        while (k < j && pat[k] !== "-") k++;
        if (k >= j) break;
        chunks.push(pat.slice(from, k));
        from = k + 1;
        k += 3;
      }
      const last = pat.slice(from, j);
      if (last.length > 0 || chunks.length === 0) chunks.push(last);
      else chunks.at(-1)!.push("-");
      for (let m = chunks.length - 1; m > 0; m--) {
        const before = chunks[m - 1]!;
        const after = chunks[m]!;
        if (
          before.length > 0 && after.length > 0 &&
          before.at(-1)!.codePointAt(0)! > after[0]!.codePointAt(0)!
        ) {
          chunks[m - 1] = [...before.slice(0, -1), ...after.slice(1)];
          chunks.splice(m, 1);
        }
      }
      const body = chunks.map((chunk) => chunk.map(classChar).join("")).join("-");
      i = j + 1;
      if (body === "") pieces.push(negate ? "." : "(?!)");
      else pieces.push(`[${negate ? "^" : ""}${body}]`);
    } else {
      pieces.push(escapeRegex(c));
    }
  }

  let source = "";
  let p = 0;
  while (p < pieces.length && pieces[p] !== STAR) source += pieces[p++];
  let group = 0;
  while (p < pieces.length) {
    p++; // the STAR
    if (p === pieces.length) {
      source += ".*";
      break;
    }
    let fixed = "";
    while (p < pieces.length && pieces[p] !== STAR) fixed += pieces[p++];
    if (p === pieces.length) source += ".*" + fixed;
    else {
      group++;
      source += `(?=(.*?${fixed}))\\${group}`;
    }
  }
  return new RegExp(`^(?:${source})$`, "su");
}
