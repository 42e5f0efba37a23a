/**
 * Flask's session interfaces: `SessionInterface`, what the application asks to open and save
 * the session of each request, and `SecureCookieSessionInterface`, the default one, which
 * keeps the session in a cookie signed with the application's secret key.
 *
 * @module
 */

import type { Request } from "../wrappers/request.ts";
import type { Response } from "../wrappers/response.ts";
import { DEFAULT_CONFIG } from "./config.ts";
import { NullSession, SecureCookieSession, type SessionInit } from "./secure_cookie_session.ts";
import { TaggedJSONSerializer } from "./tagged_json.ts";
import {
  BadSignature,
  type DigestMethod,
  type KeyDerivation,
  type SecretKey,
  type TextSerializer,
  URLSafeTimedSerializer,
} from "./url_safe_serializer.ts";

/**
 * What a session interface reads from the application, typed structurally so that any object
 * with these members (the `Application`, or a stand-in in tests) can be passed.
 *
 * - `secretKey` is Flask's `app.secret_key`; when the property is `undefined`,
 *   `config.SECRET_KEY` is used (in Flask the two are the same setting).
 * - `permanentSessionLifetime` is Flask's `app.permanent_session_lifetime`, in seconds; when
 *   `undefined`, `config.PERMANENT_SESSION_LIFETIME` is used.
 * - `config` holds Flask's keys: `SECRET_KEY_FALLBACKS`, `SESSION_COOKIE_NAME`,
 *   `SESSION_COOKIE_DOMAIN`, `SESSION_COOKIE_PATH`, `SESSION_COOKIE_HTTPONLY`,
 *   `SESSION_COOKIE_SECURE`, `SESSION_COOKIE_SAMESITE`, `SESSION_COOKIE_PARTITIONED`,
 *   `SESSION_REFRESH_EACH_REQUEST` and `APPLICATION_ROOT`. A phial `Config` fits, and so does
 *   a plain object; a key it lacks takes its value from `DEFAULT_CONFIG` (Flask would raise
 *   `KeyError`, but its app config always holds the defaults).
 */
export interface SessionApp {
  /** The key that signs the session cookie (`app.secret_key`). */
  readonly secretKey?: SecretKey | null | undefined;
  /** How long a permanent session lasts, in seconds (`app.permanent_session_lifetime`). */
  readonly permanentSessionLifetime?: number | undefined;
  /** The application's settings (`app.config`). */
  readonly config: { readonly [key: string]: unknown };
}

/** Options of {@link SessionInterface} and {@link SecureCookieSessionInterface}. */
export interface SessionInterfaceOptions {
  /**
   * The current time in milliseconds (`Date.now` by default). It dates permanent cookies'
   * `Expires`, and the cookie interface's signatures and their expiry check; for tests.
   */
  clock?: () => number;
}

function setting(app: SessionApp, key: keyof typeof DEFAULT_CONFIG): unknown {
  if (app === null || typeof app !== "object" || app.config == null) {
    throw new TypeError(
      "The session interface needs the application: pass an object with a config " +
        "(app.config) holding Flask's SESSION_COOKIE_* keys",
    );
  }
  const value = app.config[key];
  return value === undefined ? DEFAULT_CONFIG[key] : value;
}

function stringSetting(app: SessionApp, key: keyof typeof DEFAULT_CONFIG): string {
  const value = setting(app, key);
  if (typeof value !== "string") {
    throw new TypeError(`app.config.${key} must be a string, got ${describe(value)}`);
  }
  return value;
}

function optionalStringSetting(app: SessionApp, key: keyof typeof DEFAULT_CONFIG): string | null {
  const value = setting(app, key);
  if (value !== null && typeof value !== "string") {
    throw new TypeError(`app.config.${key} must be a string or null, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? JSON.stringify(value) : typeof value;
}

function isSecretKey(value: unknown): value is SecretKey {
  return typeof value === "string" || value instanceof Uint8Array;
}

/**
 * Reads `session.permanent` without counting it as the application's access: the session
 * marks itself accessed on every read, and only the view's reads should vary the response.
 */
function peekPermanent(session: SecureCookieSession): boolean {
  const accessed = session.accessed;
  try {
    return session.permanent;
  } finally {
    session.accessed = accessed;
  }
}

/**
 * Flask's `SessionInterface`: the base of every session interface. A subclass implements
 * `openSession` (called when the request starts; `null` means "use a null session") and
 * `saveSession` (called with the response; skipped for null sessions); the cookie settings,
 * the expiry and the decision to set the cookie have defaults read from `app.config`.
 *
 * The cookie settings are read from `app.config` on every call, as Flask does, so a change
 * to the config applies to the next request. A config value of the wrong type (a number for
 * `SESSION_COOKIE_NAME`, say) is a `TypeError`; the boolean settings follow Python's
 * truthiness, as Flask's do.
 *
 * @example A session interface that keeps sessions in memory
 * ```ts
 * import {
 *   type Request,
 *   type Response,
 *   SecureCookieSession,
 *   type SessionApp,
 *   SessionInterface,
 * } from "@phial/phial";
 *
 * class MemorySessionInterface extends SessionInterface {
 *   store = new Map<string, Record<string, unknown>>();
 *   override openSession(_app: SessionApp, request: Request): Promise<SecureCookieSession> {
 *     const id = request.cookies.get("sid");
 *     return Promise.resolve(new SecureCookieSession(id ? this.store.get(id) : null));
 *   }
 *   override saveSession(
 *     app: SessionApp,
 *     session: SecureCookieSession,
 *     response: Response,
 *   ): Promise<void> {
 *     if (!this.shouldSetCookie(app, session)) return Promise.resolve();
 *     const id = crypto.randomUUID();
 *     this.store.set(id, session.toJSON());
 *     response.setCookie("sid", id, { httponly: this.getCookieHttponly(app) });
 *     return Promise.resolve();
 *   }
 * }
 * new MemorySessionInterface().getCookieName({ config: {} }); // "session"
 * ```
 */
export abstract class SessionInterface {
  /** What {@link makeNullSession} creates and {@link isNullSession} recognises. */
  nullSessionClass: typeof NullSession = NullSession;
  /** Whether sessions are pickled (never in phial: kept for extensions that ask, as Flask's). */
  pickleBased: boolean = false;
  /** The current time in milliseconds (see {@link SessionInterfaceOptions.clock}). */
  readonly clock: () => number;

  /**
   * Creates the interface.
   *
   * @param options `clock` for tests.
   */
  constructor(options: SessionInterfaceOptions = {}) {
    const clock = options.clock ?? Date.now;
    if (typeof clock !== "function") {
      throw new TypeError(
        `The clock must be a function giving milliseconds, got ${describe(clock)}`,
      );
    }
    this.clock = clock;
  }

  /**
   * Creates the session used when {@link openSession} gives `null` (no secret key): it reads
   * as empty and refuses writes with a message saying to set the key.
   *
   * @param _app The application.
   * @returns A new instance of {@link nullSessionClass}.
   * @example Without a secret key
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().makeNullSession({ config: {} }).get("user"); // undefined
   * ```
   */
  makeNullSession(_app: SessionApp): NullSession {
    return new this.nullSessionClass();
  }

  /**
   * Says whether a session is a null session; the application does not save those.
   *
   * @param obj Any value.
   * @returns `true` for an instance of {@link nullSessionClass}.
   * @example Recognising a null session
   * ```ts
   * import { NullSession, SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().isNullSession(new NullSession()); // true
   * ```
   */
  isNullSession(obj: unknown): boolean {
    return obj instanceof this.nullSessionClass;
  }

  /**
   * The name of the session cookie: `SESSION_COOKIE_NAME` (`"session"` by default).
   *
   * @param app The application.
   * @returns The cookie name.
   * @throws {TypeError} When the setting is not a string.
   * @example A custom cookie name
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookieName({ config: { SESSION_COOKIE_NAME: "sid" } }); // "sid"
   * ```
   */
  getCookieName(app: SessionApp): string {
    return stringSetting(app, "SESSION_COOKIE_NAME");
  }

  /**
   * The cookie's `Domain`: `SESSION_COOKIE_DOMAIN`, `null` by default (the browser then sends
   * the cookie to the exact host that set it). As in Flask 2.3+, `SERVER_NAME` is not used.
   *
   * @param app The application.
   * @returns The domain or `null`.
   * @throws {TypeError} When the setting is neither a string nor `null`.
   * @example The default domain
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookieDomain({ config: {} }); // null
   * ```
   */
  getCookieDomain(app: SessionApp): string | null {
    return optionalStringSetting(app, "SESSION_COOKIE_DOMAIN");
  }

  /**
   * The cookie's `Path`: `SESSION_COOKIE_PATH`, or `APPLICATION_ROOT` when that is unset or
   * empty (`"/"` by default).
   *
   * @param app The application.
   * @returns The path.
   * @throws {TypeError} When the settings are not strings.
   * @example Under an application root
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookiePath({ config: { APPLICATION_ROOT: "/shop" } }); // "/shop"
   * ```
   */
  getCookiePath(app: SessionApp): string {
    return optionalStringSetting(app, "SESSION_COOKIE_PATH") ||
      stringSetting(app, "APPLICATION_ROOT");
  }

  /**
   * Whether the cookie is hidden from JavaScript: `SESSION_COOKIE_HTTPONLY` (`true` by
   * default).
   *
   * @param app The application.
   * @returns The flag.
   * @example The default
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookieHttponly({ config: {} }); // true
   * ```
   */
  getCookieHttponly(app: SessionApp): boolean {
    return Boolean(setting(app, "SESSION_COOKIE_HTTPONLY"));
  }

  /**
   * Whether the cookie is sent over HTTPS only: `SESSION_COOKIE_SECURE` (`false` by default).
   *
   * @param app The application.
   * @returns The flag.
   * @example The default
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookieSecure({ config: {} }); // false
   * ```
   */
  getCookieSecure(app: SessionApp): boolean {
    return Boolean(setting(app, "SESSION_COOKIE_SECURE"));
  }

  /**
   * The cookie's `SameSite` (`"Strict"`, `"Lax"` or `"None"`): `SESSION_COOKIE_SAMESITE`,
   * `null` (no attribute) by default.
   *
   * @param app The application.
   * @returns The value or `null`.
   * @throws {TypeError} When the setting is neither a string nor `null`.
   * @example Cross-site requests
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookieSamesite({ config: { SESSION_COOKIE_SAMESITE: "Lax" } }); // "Lax"
   * ```
   */
  getCookieSamesite(app: SessionApp): string | null {
    return optionalStringSetting(app, "SESSION_COOKIE_SAMESITE");
  }

  /**
   * Whether the cookie is partitioned (CHIPS; implies `Secure`): `SESSION_COOKIE_PARTITIONED`
   * (`false` by default).
   *
   * @param app The application.
   * @returns The flag.
   * @example The default
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getCookiePartitioned({ config: {} }); // false
   * ```
   */
  getCookiePartitioned(app: SessionApp): boolean {
    return Boolean(setting(app, "SESSION_COOKIE_PARTITIONED"));
  }

  /**
   * How long a permanent session lasts, in seconds: `app.permanentSessionLifetime`, else
   * `PERMANENT_SESSION_LIFETIME` (31 days by default).
   *
   * @param app The application.
   * @returns The lifetime in seconds.
   * @throws {TypeError} When the lifetime is not a finite number.
   * @example The default lifetime
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * new SecureCookieSessionInterface().getPermanentSessionLifetime({ config: {} }); // 2678400
   * ```
   */
  getPermanentSessionLifetime(app: SessionApp): number {
    const own = app?.permanentSessionLifetime;
    const value = own === undefined ? setting(app, "PERMANENT_SESSION_LIFETIME") : own;
    if (typeof value !== "number" || !Number.isFinite(value)) {
      throw new TypeError(
        `The permanent session lifetime must be a number of seconds, got ${describe(value)}: ` +
          "set app.config.PERMANENT_SESSION_LIFETIME (e.g. 7 * 24 * 3600 for a week)",
      );
    }
    return value;
  }

  /**
   * When the session cookie expires: for a permanent session, now plus the permanent session
   * lifetime; otherwise `null` (the cookie lasts as long as the browser session).
   *
   * @param app The application.
   * @param session The session.
   * @returns The expiry, or `null`.
   * @example A permanent session
   * ```ts
   * import { SecureCookieSession, SecureCookieSessionInterface } from "@phial/phial";
   * const si = new SecureCookieSessionInterface({ clock: () => 0 });
   * const session = new SecureCookieSession({ _permanent: true });
   * si.getExpirationTime({ config: { PERMANENT_SESSION_LIFETIME: 60 } }, session); // Date 1970-01-01T00:01:00Z
   * ```
   */
  getExpirationTime(app: SessionApp, session: SecureCookieSession): Date | null {
    if (!peekPermanent(session)) return null;
    return new Date(this.clock() + this.getPermanentSessionLifetime(app) * 1000);
  }

  /**
   * Whether the response should carry a `Set-Cookie` for the session: when the session was
   * modified, or when it is permanent and `SESSION_REFRESH_EACH_REQUEST` is on (the default),
   * so that the expiry moves forward with each request. (An emptied session is deleted
   * before this is asked.)
   *
   * @param app The application.
   * @param session The session.
   * @returns `true` to set the cookie.
   * @example A permanent session is refreshed
   * ```ts
   * import { SecureCookieSession, SecureCookieSessionInterface } from "@phial/phial";
   * const session = new SecureCookieSession({ _permanent: true });
   * new SecureCookieSessionInterface().shouldSetCookie({ config: {} }, session); // true
   * ```
   */
  shouldSetCookie(app: SessionApp, session: SecureCookieSession): boolean {
    return session.modified ||
      (peekPermanent(session) && Boolean(setting(app, "SESSION_REFRESH_EACH_REQUEST")));
  }

  /**
   * Loads the session of a request; called when the request starts. `null` tells the
   * application to use {@link makeNullSession} instead.
   *
   * @param app The application.
   * @param request The request.
   * @returns The session, or `null`.
   */
  abstract openSession(app: SessionApp, request: Request): Promise<SecureCookieSession | null>;

  /**
   * Writes the session to the response; called after the response is made, except for null
   * sessions.
   *
   * @param app The application.
   * @param session The session from {@link openSession}.
   * @param response The response.
   * @returns When the session is saved.
   */
  abstract saveSession(
    app: SessionApp,
    session: SecureCookieSession,
    response: Response,
  ): Promise<void>;
}

const SESSION_JSON_SERIALIZER = new TaggedJSONSerializer();

/**
 * Flask's `SecureCookieSessionInterface`, the default session interface: the session is
 * serialized with tagged JSON and signed into the cookie by itsdangerous's
 * `URLSafeTimedSerializer` (salt `"cookie-session"`, HMAC key derivation, SHA-1). Cookies
 * are interchangeable with Flask's for the same secret key.
 *
 * - No secret key: {@link openSession} gives `null`, and the application uses a
 *   {@link NullSession}.
 * - Key rotation: keys in `SECRET_KEY_FALLBACKS` still verify cookies; the cookie is always
 *   signed with `app.secretKey`.
 * - A missing, tampered, wrongly signed or expired cookie (older than the permanent session
 *   lifetime, whether the session is permanent or not, as in Flask) gives a new empty
 *   session; no error reaches the view.
 * - Saving adds `Vary: Cookie` when the session was read or written; deletes the cookie when
 *   the session was emptied; and sets it, with `Expires` for a permanent session, when
 *   {@link shouldSetCookie} says so.
 *
 * Signing uses WebCrypto, so both methods are asynchronous. Flask 3.1 tracks `accessed` in
 * the request context; phial's session objects track it themselves (each read or write sets
 * it), and this interface's own reads while saving do not count.
 *
 * @example Opening and saving a session
 * ```ts
 * import {
 *   EnvironBuilder,
 *   Response,
 *   SecureCookieSessionInterface,
 * } from "@phial/phial";
 * const app = { secretKey: "dev", config: {} };
 * const si = new SecureCookieSessionInterface();
 * const session = (await si.openSession(app, new EnvironBuilder("/").getRequest()))!;
 * session.set("user_id", 42);
 * const response = new Response("ok");
 * await si.saveSession(app, session, response);
 * response.headers.get("Set-Cookie"); // "session=eyJ1c2VyX2lkIjo0Mn0....; HttpOnly; Path=/"
 * ```
 */
export class SecureCookieSessionInterface extends SessionInterface {
  /** The salt the signature is namespaced with (`"cookie-session"`). */
  salt: string = "cookie-session";
  /** The hash of the signature (`"sha1"`, as Flask). */
  digestMethod: DigestMethod = "sha1";
  /** itsdangerous's key derivation (`"hmac"`, as Flask). */
  keyDerivation: KeyDerivation = "hmac";
  /** What writes and reads the session data (Flask's tagged JSON, shared by default). */
  serializer: TextSerializer = SESSION_JSON_SERIALIZER;
  /** What {@link openSession} creates. */
  sessionClass: typeof SecureCookieSession = SecureCookieSession;
  #cached: { parts: unknown[]; serializer: URLSafeTimedSerializer } | null = null;

  /**
   * The serializer that signs and verifies the cookie, or `null` when the application has no
   * secret key. It is built from {@link salt}, {@link keyDerivation}, {@link digestMethod}
   * and {@link serializer}, with `SECRET_KEY_FALLBACKS` before the secret key (the last key
   * signs); it is reused while none of these change.
   *
   * @param app The application.
   * @returns The serializer, or `null`.
   * @throws {TypeError} When the secret key or a fallback is not a string or a `Uint8Array`.
   * @example With and without a secret key
   * ```ts
   * import { SecureCookieSessionInterface } from "@phial/phial";
   * const si = new SecureCookieSessionInterface();
   * si.getSigningSerializer({ config: {} }); // null
   * si.getSigningSerializer({ secretKey: "dev", config: {} })?.salt; // bytes of "cookie-session"
   * ```
   */
  getSigningSerializer(app: SessionApp): URLSafeTimedSerializer | null {
    const own = app?.secretKey;
    const secretKey = own === undefined ? setting(app, "SECRET_KEY") : own;
    if (!secretKey || (secretKey instanceof Uint8Array && secretKey.length === 0)) return null;
    if (!isSecretKey(secretKey)) {
      throw new TypeError(
        `The secret key must be a string or a Uint8Array, got ${describe(secretKey)}`,
      );
    }
    const fallbacks = setting(app, "SECRET_KEY_FALLBACKS");
    const keys: SecretKey[] = [];
    if (fallbacks) {
      if (!Array.isArray(fallbacks) || !fallbacks.every(isSecretKey)) {
        throw new TypeError(
          "app.config.SECRET_KEY_FALLBACKS must be a list of old secret keys (strings or " +
            `Uint8Arrays), got ${describe(fallbacks)}`,
        );
      }
      keys.push(...fallbacks);
    }
    keys.push(secretKey);
    const parts = [this.salt, this.keyDerivation, this.digestMethod, this.serializer, ...keys];
    const cached = this.#cached;
    if (
      cached && cached.parts.length === parts.length &&
      cached.parts.every((part, i) => part === parts[i])
    ) {
      return cached.serializer;
    }
    const serializer = new URLSafeTimedSerializer(keys, {
      salt: this.salt,
      keyDerivation: this.keyDerivation,
      digestMethod: this.digestMethod,
      serializer: this.serializer,
      clock: this.clock,
    });
    this.#cached = { parts, serializer };
    return serializer;
  }

  /**
   * Loads the session from the request's cookie.
   *
   * @param app The application.
   * @param request The request.
   * @returns `null` without a secret key; otherwise the cookie's session, or a new empty one
   *   when the cookie is missing, tampered with, signed with an unknown key or older than the
   *   permanent session lifetime.
   * @throws {BadPayload} When a correctly signed cookie cannot be decoded (as Flask, which
   *   only forgives bad signatures).
   * @example A forged cookie
   * ```ts
   * import { EnvironBuilder, SecureCookieSessionInterface } from "@phial/phial";
   * const request = new EnvironBuilder("/", { headers: { Cookie: "session=forged" } }).getRequest();
   * const session = await new SecureCookieSessionInterface().openSession(
   *   { secretKey: "dev", config: {} },
   *   request,
   * );
   * session?.size; // 0
   * ```
   */
  async openSession(app: SessionApp, request: Request): Promise<SecureCookieSession | null> {
    const serializer = this.getSigningSerializer(app);
    if (serializer === null) return null;
    const value = request.cookies.get(this.getCookieName(app));
    if (!value) return new this.sessionClass();
    const maxAge = Math.trunc(this.getPermanentSessionLifetime(app));
    let data: unknown;
    try {
      data = await serializer.loads(value, { maxAge });
    } catch (error) {
      if (error instanceof BadSignature) return new this.sessionClass();
      throw error;
    }
    return new this.sessionClass(data as SessionInit);
  }

  /**
   * Writes the session to the response: `Vary: Cookie` when the session was accessed; a
   * deleting `Set-Cookie` (same name, domain, path and flags) when it was emptied; otherwise,
   * when {@link shouldSetCookie} agrees, the signed cookie with Flask's attributes and, for a
   * permanent session, `Expires`.
   *
   * @param app The application.
   * @param session The session.
   * @param response The response that receives the cookie.
   * @returns When the cookie is written.
   * @throws {Error} When there is no secret key to sign a non-empty session with.
   * @example Logging out deletes the cookie
   * ```ts
   * import { Response, SecureCookieSession, SecureCookieSessionInterface } from "@phial/phial";
   * const session = new SecureCookieSession({ user_id: 1 });
   * session.clear();
   * const response = new Response("bye");
   * await new SecureCookieSessionInterface().saveSession({ secretKey: "dev", config: {} }, session, response);
   * response.headers.get("Set-Cookie");
   * // "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"
   * ```
   */
  async saveSession(
    app: SessionApp,
    session: SecureCookieSession,
    response: Response,
  ): Promise<void> {
    const name = this.getCookieName(app);
    const domain = this.getCookieDomain(app);
    const path = this.getCookiePath(app);
    const secure = this.getCookieSecure(app);
    const partitioned = this.getCookiePartitioned(app);
    const samesite = this.getCookieSamesite(app);
    const httponly = this.getCookieHttponly(app);
    const attributes = {
      path,
      secure,
      partitioned,
      httponly,
      ...(domain === null ? {} : { domain }),
      ...(samesite === null ? {} : { samesite }),
    };

    // Only the view's reads count as access: restore the flag after reading the session here.
    const accessed = session.accessed;
    try {
      if (accessed) response.vary.add("Cookie");

      if (session.size === 0) {
        if (session.modified) {
          response.deleteCookie(name, attributes);
          response.vary.add("Cookie");
        }
        return;
      }

      if (!this.shouldSetCookie(app, session)) return;

      const expires = this.getExpirationTime(app, session);
      const serializer = this.getSigningSerializer(app);
      if (serializer === null) {
        throw new Error(
          "Cannot save the session without a secret key: set app.secretKey (SECRET_KEY in " +
            "app.config) to something unique and secret.",
        );
      }
      const value = await serializer.dumps(session.toJSON());
      response.setCookie(name, value, {
        ...attributes,
        ...(expires === null ? {} : { expires }),
      });
      response.vary.add("Cookie");
    } finally {
      session.accessed = accessed;
    }
  }
}
