/**
 * The gateway protocol: PEP 3333 in TypeScript, and the adapters that turn fetch
 * requests or raw HTTP/1.1 bytes into environs and back.
 *
 * @module
 */
export type * from "./types.ts";
export * from "./input_stream.ts";
export * from "./error_stream.ts";
export * from "./header_validation.ts";
export * from "./run_app.ts";
export * from "./call_app.ts";
export * from "./path_decoding.ts";
export * from "./status_reasons.ts";
export * from "./environ_from_request.ts";
export * from "./to_fetch_handler.ts";
export * from "./from_fetch_handler.ts";
export * from "./validator.ts";
export * from "./http1_error.ts";
export * from "./http1_parser.ts";
export * from "./http1_target.ts";
export * from "./http1_reader.ts";
export * from "./http1_body.ts";
export * from "./chunked_decoder.ts";
export * from "./http1_response.ts";
