/**
 * Buffering a running app's whole body, for callers that need all of it at once (the
 * test client, `Response.fromApp`).
 *
 * @module
 */
import type { AppResponse } from "./run_app.ts";

/**
 * Reads the rest of `response`'s body and closes it (also when reading fails).
 *
 * @param response What `runApp` gave.
 * @returns Every chunk of the body, in order, in a list of the caller's own.
 */
export async function collectBody(response: AppResponse): Promise<Uint8Array[]> {
  const chunks = response.chunks.slice();
  try {
    if (!response.complete) {
      for (let c = await response.next(); c !== null; c = await response.next()) chunks.push(c);
    }
  } finally {
    await response.close();
  }
  return chunks;
}
