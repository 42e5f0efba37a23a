/**
 * Joining untrusted path segments under a trusted directory without leaving it, as
 * Werkzeug's `werkzeug.security.safe_join`.
 *
 * @module
 */

const IS_WINDOWS = Deno.build.os === "windows";

// Names Windows opens as devices whatever the directory (Werkzeug 3.1's list).
const WINDOWS_DEVICE_FILES = new Set([
  "CON",
  "PRN",
  "AUX",
  "NUL",
  "CONIN$",
  "CONOUT$",
  ..."123456789¹²³".split("").flatMap((d) => [`COM${d}`, `LPT${d}`]),
]);

/**
 * Joins untrusted path segments (from a URL) under `directory`, or gives `null` when the
 * result could lie outside it: a segment that is absolute, is or starts with `..` once
 * normalized, or holds a backslash (refused on every platform, where Werkzeug refuses it
 * on Windows only, so that a tree serves the same files wherever it runs); on Windows also
 * a drive (`:`) or a device name (`CON`, `NUL`...). Segments are normalized as Python's
 * `posixpath.normpath` does (`a/./b/../c` is `a/c`); empty ones are skipped.
 *
 * @param directory The trusted directory (`""` means `.`).
 * @param untrusted The segments to join under it.
 * @returns The joined path, or `null`.
 *
 * @example
 * ```ts
 * import { safeJoin } from "@phial/phial";
 * safeJoin("static", "css/site.css"); // "static/css/site.css"
 * safeJoin("static", "a/../b.txt"); // "static/b.txt"
 * safeJoin("static", "../secret"); // null
 * safeJoin("static", "/etc/passwd"); // null
 * ```
 */
export function safeJoin(directory: string, ...untrusted: string[]): string | null {
  let joined = directory === "" ? "." : directory;
  for (const segment of untrusted) {
    if (segment === "") continue;
    const part = normpath(segment);
    if (
      part.startsWith("/") || part === ".." || part.startsWith("../") || part.includes("\\") ||
      (IS_WINDOWS && (part.includes(":") || part.split("/").some(isWindowsDevice)))
    ) {
      return null;
    }
    // As posixpath.join: one separator between parts.
    joined = joined.endsWith("/") ? joined + part : `${joined}/${part}`;
  }
  return joined;
}

function isWindowsDevice(segment: string): boolean {
  const dot = segment.indexOf(".");
  return WINDOWS_DEVICE_FILES.has((dot < 0 ? segment : segment.slice(0, dot)).trim().toUpperCase());
}

/** Python's `posixpath.normpath`. */
function normpath(path: string): string {
  if (path === "") return ".";
  const slashes = !path.startsWith("/")
    ? 0
    : path.startsWith("//") && !path.startsWith("///")
    ? 2
    : 1;
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part !== ".." || (slashes === 0 && parts.length === 0) || parts.at(-1) === "..") {
      parts.push(part);
    } else if (parts.length > 0) parts.pop();
  }
  return "/".repeat(slashes) + parts.join("/") || ".";
}
