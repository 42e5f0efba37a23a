/**
 * `Request` and `Response` over the environ, body parsing, and the gateway-level test
 * client.
 *
 * @module
 */
export * from "./file_storage.ts";
export * from "./multipart_parser.ts";
export * from "./secure_filename.ts";
