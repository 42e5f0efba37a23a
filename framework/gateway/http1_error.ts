/**
 * The error an HTTP/1.1 parser raises for input it refuses, carrying the status the
 * server answers with (400, 413, 414, 431, 501, 505).
 *
 * @module
 */

/**
 * A request the HTTP/1.1 parser refuses: `status` is the response code to send before
 * closing the connection.
 *
 * @example
 * ```ts
 * import { Http1Error } from "./http1_error.ts";
 * const error = new Http1Error(431, "Header section too large");
 * console.log(error.status); // 431
 * ```
 */
export class Http1Error extends Error {
  /** The HTTP status code to answer with. */
  readonly status: number;

  /**
   * Creates the error with the status to answer with.
   *
   * @param status The status to answer with.
   * @param message What was wrong with the input.
   */
  constructor(status: number, message: string) {
    super(message);
    this.name = "Http1Error";
    this.status = status;
  }
}
