/**
 * Python-style printing of values (`str()`, `repr()`), so built URLs and error messages
 * read as Werkzeug's do.
 *
 * @module
 */

/**
 * Prints a float as Python's `repr(float)` does: `2` → `"2.0"`, `1e16` → `"1e+16"`,
 * `1.5e-5` → `"1.5e-05"`, `NaN` → `"nan"`.
 *
 * @param x The number.
 * @returns Python's spelling of the float.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp >= -4 && exp < 16) {
    // Python uses fixed notation for exponents in [-4, 16).
    let text: string;
    if (exp >= 0) {
      const intPart = digits.length > exp + 1
        ? digits.slice(0, exp + 1)
        : digits + "0".repeat(exp + 1 - digits.length);
      const frac = digits.slice(exp + 1) || "0";
      text = `${intPart}.${frac}`;
    } else {
      text = `0.${"0".repeat(-exp - 1)}${digits}`;
    }
    return sign + text;
  }
  const frac = digits.length > 1 ? `.${digits.slice(1)}` : "";
  const expSign = exp < 0 ? "-" : "+";
  const expAbs = String(Math.abs(exp)).padStart(2, "0");
  return `${sign}${digits[0]}${frac}e${expSign}${expAbs}`;
}

/**
 * Converts a value to text as Python's `str()` would for the matching Python value:
 * `true` → `"True"`, `null` → `"None"`, integers as digits, other numbers as floats.
 *
 * @param value Any value.
 * @returns Its text.
 */
export function pyStr(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (Number.isInteger(value)) {
        return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
      }
      return pyFloatRepr(value);
    case "boolean":
      return value ? "True" : "False";
    case "bigint":
      return value.toString();
    case "undefined":
      return "None";
    default:
      if (value === null) return "None";
      return String(value);
  }
}

/**
 * Python's `repr()` of a string or a list of strings (single quotes unless the text
 * holds one), for messages that match Werkzeug's.
 *
 * @param value A string, number, or array of them.
 * @returns The repr text.
 */
export function pyRepr(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (typeof value !== "string") return pyStr(value);
  const quoteChar = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quoteChar;
  for (const c of value) {
    if (c === "\\") out += "\\\\";
    else if (c === quoteChar) out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else out += c;
  }
  return out + quoteChar;
}

const INT_RE = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

/**
 * Reads an integer as Python's `int(text)` does: surrounding whitespace, an optional sign,
 * and `_` between digits are allowed.
 *
 * @param text The text (a number is returned as it is).
 * @returns The integer, or `undefined` when `int()` would raise.
 *
 * @example
 * ```ts
 * import { pyInt } from "./python_text.ts";
 * pyInt(" +1_000 "); // 1000
 * pyInt("1.5"); // undefined
 * ```
 */
export function pyInt(text: string | number): number | undefined {
  if (typeof text === "number") return text;
  if (!INT_RE.test(text)) return undefined;
  return parseInt(text.replaceAll("_", ""), 10);
}
