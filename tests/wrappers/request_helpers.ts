// Builds bare gateway environs for Request tests (no dependency on the test client).
import type { Environ } from "../../framework/gateway/types.ts";
import { bytesInput } from "../../framework/gateway/input_stream.ts";

/** An environ for `method path?query` with the given extra keys and body. */
export function makeEnviron(
  extra: Record<string, unknown> = {},
  body?: Uint8Array | string,
): Environ {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const environ: Environ = {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    QUERY_STRING: "",
    SERVER_NAME: "srv",
    SERVER_PORT: "8080",
    SERVER_PROTOCOL: "HTTP/1.1",
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": "http",
    "wsgi.input": bytesInput(bytes ?? new Uint8Array(0)),
    "wsgi.errors": { write() {}, flush() {} },
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
  };
  if (bytes !== undefined) {
    environ.REQUEST_METHOD = "POST";
    environ.CONTENT_LENGTH = String(bytes.length);
  }
  return Object.assign(environ, extra);
}
