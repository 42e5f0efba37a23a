/**
 * `urlJoin`: resolves a redirect target against a base URL as Python's
 * `urllib.parse.urljoin` does (no normalisation beyond dot segments).
 *
 * @module
 */

const SCHEME_RE = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function removeDotSegments(path: string): string {
  const input = path.split("/");
  const output: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const segment = input[i]!;
    const last = i === input.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      if (output.length > 1) output.pop();
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  }
  return output.join("/");
}

/**
 * Resolves `url` against `base`.
 *
 * @param base An absolute URL, e.g. `"http://example.com/app/"`.
 * @param url A relative or absolute reference.
 * @returns The absolute URL.
 * @example
 * ```ts
 * urlJoin("http://example.com/app/", "foo/1"); // "http://example.com/app/foo/1"
 * ```
 */
export function urlJoin(base: string, url: string): string {
  if (url === "") return base;
  if (SCHEME_RE.test(url)) return url;
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/.exec(base);
  if (m === null) return url;
  const scheme = m[1]!;
  const netloc = m[2]!;
  const basePath = m[3]!;
  const baseQuery = m[4] ?? "";
  if (url.startsWith("//")) return `${scheme}:${url}`;
  const split = /^([^?#]*)(.*)$/s.exec(url)!;
  const path = split[1]!;
  const rest = split[2]!;
  if (path === "") {
    return `${scheme}://${netloc}${basePath}${rest.startsWith("#") ? baseQuery : ""}${rest}`;
  }
  let merged: string;
  if (path.startsWith("/")) merged = path;
  else merged = basePath.slice(0, basePath.lastIndexOf("/") + 1) + path;
  let resolved = removeDotSegments(merged);
  if (!resolved.startsWith("/")) resolved = "/" + resolved;
  return `${scheme}://${netloc}${resolved}${rest}`;
}
