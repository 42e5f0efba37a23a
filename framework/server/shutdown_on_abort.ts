/**
 * `ServeOptions.signal`: aborting it shuts a server down, as every engine does.
 *
 * @module
 */

/**
 * Calls `shutdown` once `signal` aborts, or at once when it already has.
 *
 * @param signal The caller's signal, if any.
 * @param shutdown The server's graceful shutdown.
 */
export function shutdownOnAbort(
  signal: AbortSignal | undefined,
  shutdown: () => Promise<void>,
): void {
  if (signal === undefined) return;
  if (signal.aborted) void shutdown();
  else signal.addEventListener("abort", () => void shutdown(), { once: true });
}
