// A minimal, valid environ for gateway tests.
import type { Environ } from "../../framework/gateway/types.ts";
import { bytesInput } from "../../framework/gateway/input_stream.ts";
import { MemoryErrorStream } from "../../framework/gateway/error_stream.ts";

export function testEnviron(extra: Record<string, unknown> = {}): Environ {
  return {
    REQUEST_METHOD: "GET",
    SCRIPT_NAME: "",
    PATH_INFO: "/",
    QUERY_STRING: "",
    SERVER_NAME: "localhost",
    SERVER_PORT: "80",
    SERVER_PROTOCOL: "HTTP/1.1",
    HTTP_HOST: "localhost",
    "wsgi.version": [1, 0],
    "wsgi.url_scheme": "http",
    "wsgi.input": bytesInput(new Uint8Array(0)),
    "wsgi.errors": new MemoryErrorStream(),
    "wsgi.multithread": false,
    "wsgi.multiprocess": false,
    "wsgi.run_once": false,
    "wsgi.input_terminated": true,
    ...extra,
  } as Environ;
}
