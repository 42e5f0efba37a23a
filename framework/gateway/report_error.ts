/**
 * Reporting an error the server cannot hand to the client: written to the request's
 * `wsgi.errors`, or to the console when that stream fails.
 *
 * @module
 */
import type { Environ } from "./types.ts";

/**
 * Writes `what: <stack or message>` and a newline to `environ["wsgi.errors"]`, falling back
 * to `console.error` when that stream throws.
 *
 * @param environ The request whose error stream gets the report.
 * @param what What failed, such as `"Error in the app"`.
 * @param error The error.
 */
export function reportError(environ: Environ, what: string, error: unknown): void {
  const text = `${what}: ${
    error instanceof Error ? error.stack ?? error.message : String(error)
  }\n`;
  try {
    environ["wsgi.errors"].write(text);
  } catch {
    console.error(text);
  }
}
