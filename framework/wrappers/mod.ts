/**
 * `Request` and `Response` over the environ, body parsing, and the gateway-level test
 * client.
 *
 * @module
 */
