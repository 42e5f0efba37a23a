/**
 * `wsgi.errors`: the stream an app writes diagnostics to. Servers give the process's
 * stderr; tests can collect the text in memory instead.
 *
 * @module
 */
import type { ErrorStream } from "./types.ts";

const encoder = new TextEncoder();

/**
 * An {@linkcode ErrorStream} that writes to the process's standard error, synchronously
 * (nothing is buffered, so `flush()` has nothing to do).
 */
export class StderrErrorStream implements ErrorStream {
  /**
   * Writes `text` to stderr as UTF-8; no newline is added.
   *
   * @param text What to write.
   */
  write(text: string): void {
    if (typeof text !== "string") {
      throw new TypeError(`wsgi.errors.write() takes a string, not ${typeof text}`);
    }
    let bytes = encoder.encode(text);
    while (bytes.length > 0) bytes = bytes.subarray(Deno.stderr.writeSync(bytes));
  }

  /** Does nothing: writes are not buffered. */
  flush(): void {}

  /**
   * Writes each string in turn (Python's `writelines()`).
   *
   * @param lines The strings to write.
   */
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }
}

/** The shared `wsgi.errors` that servers put in every environ: the process's stderr. */
export const stderrErrors: StderrErrorStream = new StderrErrorStream();

/**
 * An {@linkcode ErrorStream} that keeps what is written in memory, for tests and test
 * clients.
 *
 * @example
 * ```ts
 * import { MemoryErrorStream } from "@phial/phial";
 * const errors = new MemoryErrorStream();
 * errors.write("oops\n");
 * errors.text; // "oops\n"
 * ```
 */
export class MemoryErrorStream implements ErrorStream {
  /** Everything written so far. */
  text = "";

  /**
   * Appends `text`.
   *
   * @param text What to write.
   */
  write(text: string): void {
    if (typeof text !== "string") {
      throw new TypeError(`wsgi.errors.write() takes a string, not ${typeof text}`);
    }
    this.text += text;
  }

  /** Does nothing: the text is already in memory. */
  flush(): void {}

  /**
   * Appends each string in turn.
   *
   * @param lines The strings to write.
   */
  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }
}
