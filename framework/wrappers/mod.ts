/**
 * `Request` and `Response` over the environ, body parsing, and the gateway-level test
 * client.
 *
 * @module
 */
export * from "./file_storage.ts";
export * from "./multipart_parser.ts";
export * from "./secure_filename.ts";

export * from "./content_type.ts";
export * from "./cookie_jar.ts";
export * from "./encode_multipart.ts";
export * from "./environ_builder.ts";
export * from "./iri_to_uri.ts";
export * from "./response.ts";
export * from "./client.ts";
export * from "./form_parser.ts";
export * from "./request.ts";
export * from "./file_body.ts";
