/**
 * The TCP listener the socket-owning engines (reference, serve-http) accept on.
 *
 * @module
 */
import type { ServeOptions } from "./types.ts";

/**
 * Listens on `options.hostname` (default `127.0.0.1`) and `options.port` (default 8000),
 * with `SO_REUSEPORT` when `options.reusePort` is set.
 *
 * @param options The server's address options.
 * @returns The listener.
 * @throws {Deno.errors.AddrInUse} when the port is taken.
 */
export function listenTcp(options: ServeOptions): Deno.TcpListener {
  return Deno.listen({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 8000,
    transport: "tcp",
    // SO_REUSEPORT (Linux): workers share the port; Deno wants --unstable-net for it.
    ...(options.reusePort ? { reusePort: true } : {}),
  });
}
