/**
 * A one-entry memo of the last response head the reference engine serialized: apps
 * tend to answer with the same status and headers again and again, and the `Date`
 * changes once a second, so the head's bytes can often be reused as they are.
 *
 * @module
 */

import { latin1EncodeInto } from "../gateway/http1_bytes.ts";
import {
  frameResponse,
  type FramingRequest,
  type ResponseFrame,
} from "../gateway/http1_response.ts";

/** A framed head and its bytes. */
export interface CachedHead {
  /** The framing decisions. */
  frame: ResponseFrame;
  /** The head, encoded. */
  bytes: Uint8Array;
}

function encodeHead(head: string): Uint8Array {
  const out = new Uint8Array(head.length);
  latin1EncodeInto(head, out, 0);
  return out;
}

/**
 * Remembers the last head: same status, same header strings, same framing inputs and
 * the same `Date` give the same bytes.
 */
export class HeadCache {
  #status = "";
  #names: string[] = [];
  #values: string[] = [];
  #flags = -1;
  #knownLength = -2;
  #date = "";
  #entry: CachedHead | undefined = undefined;

  /**
   * The head for this response, from the memo or freshly framed.
   *
   * @param status The status line's tail.
   * @param statusCode Its code.
   * @param headers The app's validated headers.
   * @param http10 The request is HTTP/1.0.
   * @param head The request method is HEAD.
   * @param keepAlive The connection may stay open.
   * @param knownLength The whole body's length, or -1.
   * @param server The `Server` header.
   * @param date The `Date` header.
   */
  get(
    status: string,
    statusCode: number,
    headers: [string, string][],
    http10: boolean,
    head: boolean,
    keepAlive: boolean,
    knownLength: number,
    server: string,
    date: string,
  ): CachedHead {
    const flags = (http10 ? 1 : 0) | (head ? 2 : 0) | (keepAlive ? 4 : 0);
    const entry = this.#entry;
    if (
      entry !== undefined && status === this.#status && flags === this.#flags &&
      knownLength === this.#knownLength && date === this.#date && this.#same(headers)
    ) return entry;
    const request: FramingRequest = { http10, head, keepAlive };
    const frame = frameResponse(status, statusCode, headers, request, knownLength, server, date);
    const fresh = { frame, bytes: encodeHead(frame.head) };
    this.#status = status;
    this.#flags = flags;
    this.#knownLength = knownLength;
    this.#date = date;
    this.#names = headers.map((pair) => pair[0]);
    this.#values = headers.map((pair) => pair[1]);
    this.#entry = fresh;
    return fresh;
  }

  #same(headers: [string, string][]): boolean {
    const names = this.#names;
    const values = this.#values;
    if (headers.length !== names.length) return false;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i]!;
      if (pair[0] !== names[i] || pair[1] !== values[i]) return false;
    }
    return true;
  }
}
