/**
 * `secureFilename`: Werkzeug's `secure_filename`, a client's filename made safe to store.
 *
 * @module
 */

const WINDOWS_DEVICE_FILES = new Set([
  "CON",
  "PRN",
  "AUX",
  "NUL",
  ...Array.from({ length: 9 }, (_, i) => `COM${i + 1}`),
  ...Array.from({ length: 9 }, (_, i) => `LPT${i + 1}`),
]);

// Python's str.split() whitespace, restricted to ASCII (the name is ASCII by then).
// deno-lint-ignore no-control-regex
const WHITESPACE_RUN = /[\t\n\v\f\r \x1c-\x1f]+/;
const NOT_SAFE = /[^A-Za-z0-9_.-]/g;
const EDGE_DOTS_UNDERSCORES = /^[._]+|[._]+$/g;

/**
 * Returns an ASCII-only version of `filename` that is safe to join to a directory path:
 * compatibility-decomposed (NFKD) with non-ASCII dropped, path separators and whitespace
 * runs turned into `_`, anything but letters, digits, `_`, `.` and `-` removed, and
 * leading/trailing dots and underscores stripped. On Windows, device names such as `CON`
 * get a `_` prefix. The result may be empty: pick a name of your own then.
 *
 * @example
 * ```ts
 * import { secureFilename } from "@phial/phial";
 * secureFilename("../../../etc/passwd"); // "etc_passwd"
 * secureFilename("My cool movie.mov"); // "My_cool_movie.mov"
 * ```
 *
 * @param filename The name the client sent.
 * @returns The safe name (possibly `""`).
 */
export function secureFilename(filename: string): string {
  // deno-lint-ignore no-control-regex
  let name = filename.normalize("NFKD").replace(/[^\x00-\x7f]/g, "");
  name = name.replaceAll("/", " ");
  if (isWindows()) name = name.replaceAll("\\", " ");
  name = name.split(WHITESPACE_RUN).filter((s) => s !== "").join("_");
  name = name.replace(NOT_SAFE, "").replace(EDGE_DOTS_UNDERSCORES, "");
  if (isWindows() && name !== "" && WINDOWS_DEVICE_FILES.has(name.split(".")[0]!.toUpperCase())) {
    name = `_${name}`;
  }
  return name;
}

function isWindows(): boolean {
  return (globalThis as { Deno?: { build?: { os?: string } } }).Deno?.build?.os === "windows";
}
