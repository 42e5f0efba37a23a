/**
 * The last response a fetch handler built, kept so that the same response answered again
 * is a copy of it.
 *
 * Apps often answer the same small response many times in a row (a health check, a static
 * page, the seed article's hello). Building a fetch `Response` with headers costs Deno
 * ~190 ns, most of it checking the headers again; `clone()` copies a checked list, ~90 ns.
 *
 * @module
 */

/**
 * Remembers the head (status, status line, headers) and text body of the last response,
 * with a value derived from the head, and a built `Response` once the same one comes twice.
 *
 * @typeParam D What the caller derives from a head (computed once per distinct head).
 */
export class ResponseReuse<D> {
  #status = 0;
  #line = "";
  // The last head's header names and values, flat: name, value, name, value...
  #fields: string[] = [];
  #text: string | undefined = undefined;
  #template: Response | undefined = undefined;
  // The body repeated but no response was kept yet: keep() keeps the next one.
  #wanted = false;

  /** The value derived from the last head; set it when {@linkcode sameHead} says no. */
  derived: D;

  /** @param initial The derived value before any head has been seen. */
  constructor(initial: D) {
    this.derived = initial;
  }

  /**
   * Whether this head is the last one. If it is not, it becomes the last one, and the
   * remembered body and response are dropped.
   *
   * @param status The status code.
   * @param line The status line, such as `"200 OK"`.
   * @param headers The header pairs.
   * @returns `true` when status, line and every header are equal to the last head's.
   */
  sameHead(status: number, line: string, headers: [string, string][]): boolean {
    const fields = this.#fields;
    const n = headers.length;
    if (status === this.#status && line === this.#line && fields.length === 2 * n) {
      let same = true;
      for (let i = 0; i < n; i++) {
        const header = headers[i]!;
        if (header[0] !== fields[2 * i] || header[1] !== fields[2 * i + 1]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
    this.#status = status;
    this.#line = line;
    fields.length = 2 * n;
    for (let i = 0; i < n; i++) {
      const header = headers[i]!;
      fields[2 * i] = header[0];
      fields[2 * i + 1] = header[1];
    }
    this.#text = undefined;
    this.#template = undefined;
    this.#wanted = false;
    return false;
  }

  /**
   * A copy of the response built before for the last head and `text`, if `text` is the
   * last body too. Call it right after {@linkcode sameHead}, for the same head; when it
   * gives nothing, build the response and pass it to {@linkcode keep}.
   *
   * @param text The whole body.
   * @returns A response that nothing else holds, or `undefined`.
   */
  copy(text: string): Response | undefined {
    if (text === this.#text) {
      this.#wanted = this.#template === undefined;
      return this.#template?.clone();
    }
    this.#text = text;
    this.#template = undefined;
    this.#wanted = false;
    return undefined;
  }

  /**
   * Takes the response built after {@linkcode copy} gave nothing; the second time the same
   * response is built, it is kept to copy from.
   *
   * @param response The response built from scratch.
   * @returns A response that nothing else holds.
   */
  keep(response: Response): Response {
    if (!this.#wanted) return response;
    this.#wanted = false;
    this.#template = response;
    return response.clone();
  }
}
