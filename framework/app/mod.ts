/**
 * The Flask layer: what the application is built from.
 *
 * @module
 */
export * from "./signals.ts";
export * from "./config.ts";
export * from "./json_provider.ts";
export * from "./tagged_json.ts";
export * from "./url_safe_serializer.ts";
export * from "./secure_cookie_session.ts";
export * from "./session_interface.ts";
export * from "./make_response.ts";
export * from "./scaffold.ts";
export * from "./ctx.ts";
export * from "./globals.ts";
export * from "./application.ts";
export * from "./redirect_response.ts";
export * from "./helpers.ts";
export * from "./flashing.ts";
export * from "./send_file.ts";
export * from "./stream_with_context.ts";
export * from "./blueprint.ts";
