// SessionInterface and SecureCookieSessionInterface: cookies, headers and loading behaviour.
// Every Set-Cookie / Vary value and every cookie fixture below was recorded from Flask 3.1.3
// (Werkzeug 3.1.8, itsdangerous 2.2) by calling app.session_interface.open_session /
// save_session inside app.test_request_context(), with secret key "test key", the signing
// time patched to T + 0.5 s and datetime.now patched to T (T = 1700000000). The phial-made
// cookie PHIAL_RICH_COOKIE was checked once to load in that Flask; no test runs Python.
import assert from "node:assert/strict";
import { Config, DEFAULT_CONFIG } from "../../framework/app/config.ts";
import { NullSession, SecureCookieSession } from "../../framework/app/secure_cookie_session.ts";
import {
  SecureCookieSessionInterface,
  type SessionApp,
  SessionInterface,
} from "../../framework/app/session_interface.ts";
import { BadPayload, URLSafeTimedSerializer } from "../../framework/app/url_safe_serializer.ts";
import { TaggedJSONSerializer } from "../../framework/app/tagged_json.ts";
import { EnvironBuilder } from "../../framework/wrappers/environ_builder.ts";
import { Response } from "../../framework/wrappers/response.ts";
import type { Request } from "../../framework/wrappers/request.ts";

const T = 1700000000;
const KEY = "test key";

// Cookies Flask signed with "test key" at T.
const PLAIN_COOKIE = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"; // {"a": 1}
const PERMANENT_COOKIE = // {"_permanent": True, "a": 1}
  "eyJfcGVybWFuZW50Ijp0cnVlLCJhIjoxfQ.ZVPxAA.kX0lJONuCGjZcHvdYDhVODoXNr8";
const RICH_COOKIE = // datetime, tuple, bytes, non-ASCII text and nesting, compressed
  ".eJwdjMEKwjAQBX9l2fMia0xBAh48CYLgoSe1SEoXLLZR0oQKJf9umuMM896CcRL_7Ds0WhHOL3FoFoTMWEchYAVn60" +
  "Cx0sA7w9pwBadLjYnwa3tf6oDmviX8YZOtt3ORbb44XveHtXR2lIy3zyMyS4vZyBSkW8N3GatNRS4OAwUfpUnpD6QsK2k" +
  ".ZVPxAA.omKc0F3hDb3YBHumSvTO_n2nGMg";
// {"a": 1} signed at T with the old key "old key".
const OLD_KEY_COOKIE = "eyJhIjoxfQ.ZVPxAA.Z1vM8Yu_KgaYCCb6VQoinL_4mMs";
// Made here (at T, key "test key") from the session in the phial-made cookie test; Flask
// loaded it as {'when': datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc), 'raw': b'\x00\xff',
// 'name': 'Zoë', 'list': [1, 2.5, None, True], 'nested': {'k': 'v'}}. Its JSON is Flask's byte
// for byte; the zlib-compressed bytes differ from Python's zlib.compress, which Flask accepts.
const PHIAL_RICH_COOKIE = ".eJwdyD0LwjAQBuC_crzzIWfaghw4OAmC0KGTH0NKDxRjhDaxQ8l_lzo-z4LwnBL0umW3" +
  "aTjmEDiN2e6M6N8GxeVzyyLWgxFtSjZAF7yg-KIwRj-vph6KQ7vbrzc_LP5zgKLLxiSOTj6SE1eTVCq1SkPHc4dSfsNFJF0" +
  ".ZVPxAA.xHXu4DqyfyBzVxBQhu5MMRDPyvo";

function app(config: Record<string, unknown> = {}, secretKey: string | null = KEY): SessionApp {
  return { secretKey, config };
}

function requestWith(cookie?: string): Request {
  return new EnvironBuilder("/", cookie === undefined ? {} : { headers: { Cookie: cookie } })
    .getRequest();
}

/** The interface with its clock at `T + offset` seconds (Flask's signing time is T + 0.5). */
function iface(offset = 0.5): SecureCookieSessionInterface {
  return new SecureCookieSessionInterface({ clock: () => (T + offset) * 1000 });
}

interface Saved {
  loaded: Record<string, unknown>;
  setCookie: string[];
  vary: string | null;
}

/** Opens the session from `cookie`, applies `action`, saves it: what Flask's record holds. */
async function roundTrip(
  theApp: SessionApp,
  cookie?: string,
  action?: (session: SecureCookieSession) => void,
): Promise<Saved> {
  const si = iface();
  const session = await si.openSession(theApp, requestWith(cookie));
  assert.ok(session);
  const loaded = session.toJSON();
  session.accessed = false;
  action?.(session);
  const response = new Response("x");
  await si.saveSession(theApp, session, response);
  return {
    loaded,
    setCookie: response.headers.getlist("Set-Cookie"),
    vary: response.headers.get("Vary") ?? null,
  };
}

const setA = (s: SecureCookieSession) => void s.set("a", 1);

Deno.test("saveSession sets Flask's default session cookie and Vary: Cookie", async () => {
  assert.deepEqual(await roundTrip(app(), undefined, setA), {
    loaded: {},
    setCookie: [`session=${PLAIN_COOKIE}; HttpOnly; Path=/`],
    vary: "Cookie",
  });
});

Deno.test("saveSession writes each SESSION_COOKIE_* setting as Flask does", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ SESSION_COOKIE_NAME: "sid" }, `sid=${PLAIN_COOKIE}; HttpOnly; Path=/`],
    [
      { SESSION_COOKIE_DOMAIN: "example.com" },
      `session=${PLAIN_COOKIE}; Domain=example.com; HttpOnly; Path=/`,
    ],
    [{ SESSION_COOKIE_PATH: "/app" }, `session=${PLAIN_COOKIE}; HttpOnly; Path=/app`],
    [{ APPLICATION_ROOT: "/root" }, `session=${PLAIN_COOKIE}; HttpOnly; Path=/root`],
    [
      { SESSION_COOKIE_PATH: "/app", APPLICATION_ROOT: "/root" },
      `session=${PLAIN_COOKIE}; HttpOnly; Path=/app`,
    ],
    [{ SESSION_COOKIE_HTTPONLY: false }, `session=${PLAIN_COOKIE}; Path=/`],
    [{ SESSION_COOKIE_SECURE: true }, `session=${PLAIN_COOKIE}; Secure; HttpOnly; Path=/`],
    [{ SESSION_COOKIE_SAMESITE: "Lax" }, `session=${PLAIN_COOKIE}; HttpOnly; Path=/; SameSite=Lax`],
    [
      { SESSION_COOKIE_SAMESITE: "Strict" },
      `session=${PLAIN_COOKIE}; HttpOnly; Path=/; SameSite=Strict`,
    ],
    [
      { SESSION_COOKIE_SAMESITE: "None" },
      `session=${PLAIN_COOKIE}; HttpOnly; Path=/; SameSite=None`,
    ],
    [
      { SESSION_COOKIE_PARTITIONED: true },
      `session=${PLAIN_COOKIE}; Secure; HttpOnly; Path=/; Partitioned`,
    ],
  ];
  for (const [config, header] of cases) {
    const saved = await roundTrip(app(config), undefined, setA);
    assert.deepEqual(saved.setCookie, [header], JSON.stringify(config));
    assert.equal(saved.vary, "Cookie");
  }
});

Deno.test("saveSession gives a permanent session Expires = now + the lifetime", async () => {
  const permanent = (s: SecureCookieSession) => {
    s.set("a", 1);
    s.permanent = true;
  };
  const cases: [Record<string, unknown>, string][] = [
    [{}, "Fri, 15 Dec 2023 22:13:20 GMT"], // 31 days
    [{ PERMANENT_SESSION_LIFETIME: 3600 }, "Tue, 14 Nov 2023 23:13:20 GMT"],
    [{ PERMANENT_SESSION_LIFETIME: 1.5 }, "Tue, 14 Nov 2023 22:13:21 GMT"],
  ];
  for (const [config, expires] of cases) {
    // Flask's datetime.now was T; the signing clock T + 0.5 signs the same whole second.
    const si = new SecureCookieSessionInterface({ clock: () => T * 1000 });
    const session = (await si.openSession(app(config), requestWith()))!;
    permanent(session);
    const response = new Response("x");
    await si.saveSession(app(config), session, response);
    assert.deepEqual(response.headers.getlist("Set-Cookie"), [
      `session=${PERMANENT_COOKIE}; Expires=${expires}; HttpOnly; Path=/`,
    ]);
  }
});

Deno.test("getExpirationTime is null for a browser-session cookie", () => {
  const si = iface(0);
  assert.equal(si.getExpirationTime(app(), new SecureCookieSession({ a: 1 })), null);
  assert.deepEqual(
    si.getExpirationTime(app(), new SecureCookieSession({ _permanent: true })),
    new Date((T + 31 * 24 * 3600) * 1000),
  );
  // app.permanentSessionLifetime wins over the config, as Flask's attribute does.
  assert.deepEqual(
    si.getExpirationTime(
      { secretKey: KEY, permanentSessionLifetime: 10, config: { PERMANENT_SESSION_LIFETIME: 99 } },
      new SecureCookieSession({ _permanent: true }),
    ),
    new Date((T + 10) * 1000),
  );
});

Deno.test("SESSION_REFRESH_EACH_REQUEST re-sends an unchanged permanent session", async () => {
  const refreshed = [
    `session=${PERMANENT_COOKIE}; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly; Path=/`,
  ];
  const si = new SecureCookieSessionInterface({ clock: () => T * 1000 });
  for (
    const [config, setCookie, vary] of [
      [{}, refreshed, "Cookie"],
      [{ SESSION_REFRESH_EACH_REQUEST: false }, [], null],
    ] as const
  ) {
    const session =
      (await si.openSession(app(config), requestWith(`session=${PERMANENT_COOKIE}`)))!;
    assert.deepEqual(session.toJSON(), { _permanent: true, a: 1 });
    session.accessed = false;
    const response = new Response("x");
    await si.saveSession(app(config), session, response);
    assert.deepEqual(response.headers.getlist("Set-Cookie"), setCookie);
    assert.equal(response.headers.get("Vary") ?? null, vary);
  }
});

Deno.test("saveSession adds Vary: Cookie when the session was only read", async () => {
  assert.deepEqual(await roundTrip(app(), `session=${PLAIN_COOKIE}`), {
    loaded: { a: 1 },
    setCookie: [],
    vary: null,
  });
  assert.deepEqual(
    await roundTrip(app(), `session=${PLAIN_COOKIE}`, (s) => void s.get("a")),
    { loaded: { a: 1 }, setCookie: [], vary: "Cookie" },
  );
  assert.deepEqual(await roundTrip(app()), { loaded: {}, setCookie: [], vary: null });
});

Deno.test("saveSession's own reads do not mark the session accessed", async () => {
  const si = iface();
  const session = new SecureCookieSession({ _permanent: true, a: 1 });
  session.accessed = false;
  const response = new Response("x");
  await si.saveSession(app(), session, response);
  assert.equal(session.accessed, false);
  assert.equal(si.shouldSetCookie(app(), session), true);
  assert.equal(session.accessed, false);
});

Deno.test("saveSession re-signs a modified session", async () => {
  assert.deepEqual(
    await roundTrip(app(), `session=${PLAIN_COOKIE}`, (s) => void s.set("b", 2)),
    {
      loaded: { a: 1 },
      setCookie: [
        "session=eyJhIjoxLCJiIjoyfQ.ZVPxAA.mOQetdJ41B4uEuFeFr4uMDqM018; HttpOnly; Path=/",
      ],
      vary: "Cookie",
    },
  );
});

Deno.test("saveSession deletes the cookie of an emptied session, with its attributes", async () => {
  const clear = (s: SecureCookieSession) => s.clear();
  assert.deepEqual(await roundTrip(app(), `session=${PLAIN_COOKIE}`, clear), {
    loaded: { a: 1 },
    setCookie: ["session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/"],
    vary: "Cookie",
  });
  const config = {
    SESSION_COOKIE_NAME: "sid",
    SESSION_COOKIE_DOMAIN: "example.com",
    SESSION_COOKIE_PATH: "/app",
    SESSION_COOKIE_SECURE: true,
    SESSION_COOKIE_SAMESITE: "Lax",
    SESSION_COOKIE_PARTITIONED: true,
    SESSION_COOKIE_HTTPONLY: false,
  };
  assert.deepEqual(await roundTrip(app(config), `sid=${PLAIN_COOKIE}`, clear), {
    loaded: { a: 1 },
    setCookie: [
      "sid=; Domain=example.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Secure; " +
      "Path=/app; SameSite=Lax; Partitioned",
    ],
    vary: "Cookie",
  });
  // Clearing a new, empty session still sends the deletion, as in Flask.
  assert.deepEqual((await roundTrip(app(), undefined, clear)).setCookie, [
    "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/",
  ]);
});

Deno.test("openSession gives a new empty session for a tampered cookie", async () => {
  const tampered = PLAIN_COOKIE.slice(0, -2) + "xx";
  assert.deepEqual(await roundTrip(app(), `session=${tampered}`), {
    loaded: {},
    setCookie: [],
    vary: null,
  });
  for (const value of ["garbage", "a.b.c", "", `${PLAIN_COOKIE}x`]) {
    const session = await iface().openSession(app(), requestWith(`session=${value}`));
    assert.ok(session instanceof SecureCookieSession);
    assert.equal(session.size, 0, value);
    assert.equal(session.modified, false);
  }
});

Deno.test("openSession reads a cookie signed with a SECRET_KEY_FALLBACKS key", async () => {
  const rotated = app({ SECRET_KEY_FALLBACKS: ["old key"] });
  // Re-signed with the current key: the same cookie Flask made from the plain one.
  assert.deepEqual(
    await roundTrip(rotated, `session=${OLD_KEY_COOKIE}`, (s) => void s.set("b", 2)),
    {
      loaded: { a: 1 },
      setCookie: [
        "session=eyJhIjoxLCJiIjoyfQ.ZVPxAA.mOQetdJ41B4uEuFeFr4uMDqM018; HttpOnly; Path=/",
      ],
      vary: "Cookie",
    },
  );
  // Without the fallback, the old cookie is worthless.
  assert.deepEqual((await roundTrip(app(), `session=${OLD_KEY_COOKIE}`)).loaded, {});
});

Deno.test("openSession gives null without a secret key; makeNullSession a NullSession", async () => {
  const si = iface();
  const request = requestWith(`session=${PLAIN_COOKIE}`);
  assert.equal(await si.openSession(app({}, null), request), null);
  assert.equal(await si.openSession({ config: {} }, request), null);
  assert.equal(await si.openSession({ secretKey: "", config: {} }, request), null);
  assert.equal(await si.openSession({ secretKey: new Uint8Array(), config: {} }, request), null);
  const nullSession = si.makeNullSession(app({}, null));
  assert.ok(nullSession instanceof NullSession);
  assert.equal(si.isNullSession(nullSession), true);
  assert.equal(si.isNullSession(new SecureCookieSession()), false);
  assert.equal(si.isNullSession({}), false);
  assert.throws(() => nullSession.set("a", 1), /no secret key was set/);
});

Deno.test("openSession reads app.config.SECRET_KEY when app.secretKey is undefined", async () => {
  const config = new Config(".", DEFAULT_CONFIG);
  config.SECRET_KEY = KEY;
  const session = await iface().openSession({ config }, requestWith(`session=${PLAIN_COOKIE}`));
  assert.deepEqual(session?.toJSON(), { a: 1 });
});

Deno.test("openSession refuses cookies older than the permanent session lifetime", async () => {
  const cases: [number, number, Record<string, unknown>][] = [
    [60, 60, { a: 1 }],
    [61, 60, {}],
    [61, 61.9, { a: 1 }], // the lifetime is truncated to whole seconds, as Flask's int()
    [-1, 60, {}], // signed in the future
  ];
  for (const [age, lifetime, expected] of cases) {
    const session = await iface(age).openSession(
      app({ PERMANENT_SESSION_LIFETIME: lifetime }),
      requestWith(`session=${PLAIN_COOKIE}`),
    );
    assert.deepEqual(session?.toJSON(), expected, `age ${age}, lifetime ${lifetime}`);
  }
});

Deno.test("openSession reads a Flask-made cookie with tagged values", async () => {
  const session = await iface().openSession(app(), requestWith(`session=${RICH_COOKIE}`));
  assert.deepEqual(session?.toJSON(), {
    user_id: 42,
    when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    pair: [1, "x"],
    raw: new Uint8Array([0, 0xff]),
    name: "Zoë",
    nested: { k: [1, 2.5, null, true] },
  });
  assert.equal(session?.modified, false);
});

Deno.test("saveSession writes a cookie Flask reads (pinned after checking in Flask)", async () => {
  const session = new SecureCookieSession({
    when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    raw: new Uint8Array([0, 0xff]),
    name: "Zoë",
    list: [1, 2.5, null, true],
    nested: { k: "v" },
  });
  session.modified = true;
  const response = new Response("x");
  await iface().saveSession(app(), session, response);
  assert.deepEqual(response.headers.getlist("Set-Cookie"), [
    `session=${PHIAL_RICH_COOKIE}; HttpOnly; Path=/`,
  ]);
});

Deno.test("openSession lets an undecodable but genuinely signed cookie raise, as Flask", async () => {
  const signer = new URLSafeTimedSerializer(KEY, {
    salt: "cookie-session",
    keyDerivation: "hmac",
    serializer: { dumps: () => "{not json", loads: JSON.parse },
    clock: () => T * 1000,
  });
  const cookie = await signer.dumps(null);
  await assert.rejects(
    () => iface().openSession(app(), requestWith(`session=${cookie}`)),
    BadPayload,
  );
});

Deno.test("SecureCookieSessionInterface has Flask's attributes", () => {
  const si = new SecureCookieSessionInterface();
  assert.equal(si.salt, "cookie-session");
  assert.equal(si.keyDerivation, "hmac");
  assert.equal(si.digestMethod, "sha1");
  assert.equal(si.pickleBased, false);
  assert.ok(si.serializer instanceof TaggedJSONSerializer);
  assert.equal(si.sessionClass, SecureCookieSession);
  assert.equal(si.nullSessionClass, NullSession);
  assert.ok(si instanceof SessionInterface);
});

Deno.test("openSession and makeNullSession use the classes set on the interface", async () => {
  class CountingSession extends SecureCookieSession {}
  class QuietNullSession extends NullSession {}
  const si = iface();
  si.sessionClass = CountingSession;
  si.nullSessionClass = QuietNullSession;
  assert.ok(
    (await si.openSession(app(), requestWith(`session=${PLAIN_COOKIE}`))) instanceof
      CountingSession,
  );
  assert.ok((await si.openSession(app(), requestWith())) instanceof CountingSession);
  assert.ok(si.makeNullSession(app()) instanceof QuietNullSession);
  assert.equal(si.isNullSession(new NullSession()), false);
});

Deno.test("getSigningSerializer signs with the secret key, fallbacks first, and is reused", () => {
  const si = iface();
  const one = si.getSigningSerializer(app({ SECRET_KEY_FALLBACKS: ["old key"] }))!;
  const enc = new TextEncoder();
  assert.deepEqual(one.secretKeys, [enc.encode("old key"), enc.encode(KEY)]);
  assert.equal(si.getSigningSerializer(app({ SECRET_KEY_FALLBACKS: ["old key"] })), one);
  assert.notEqual(si.getSigningSerializer(app()), one);
  assert.equal(si.getSigningSerializer(app({}, null)), null);
});

Deno.test("the cookie getters read the config and fall back to Flask's defaults", () => {
  const si = new SecureCookieSessionInterface();
  const bare = { config: {} };
  assert.equal(si.getCookieName(bare), "session");
  assert.equal(si.getCookieDomain(bare), null);
  assert.equal(si.getCookiePath(bare), "/");
  assert.equal(
    si.getCookiePath({ config: { SESSION_COOKIE_PATH: "", APPLICATION_ROOT: "/r" } }),
    "/r",
  );
  assert.equal(si.getCookieHttponly(bare), true);
  assert.equal(si.getCookieSecure(bare), false);
  assert.equal(si.getCookieSamesite(bare), null);
  assert.equal(si.getCookiePartitioned(bare), false);
  assert.equal(si.getPermanentSessionLifetime(bare), 31 * 24 * 3600);
  assert.equal(si.shouldSetCookie(bare, new SecureCookieSession({ a: 1 })), false);
});

Deno.test("bad session settings are TypeErrors that name the setting", async () => {
  const si = new SecureCookieSessionInterface();
  assert.throws(() => si.getCookieName({ config: { SESSION_COOKIE_NAME: 5 } }), {
    name: "TypeError",
    message: /SESSION_COOKIE_NAME must be a string/,
  });
  assert.throws(() => si.getCookieDomain({ config: { SESSION_COOKIE_DOMAIN: true } }), {
    name: "TypeError",
    message: /SESSION_COOKIE_DOMAIN must be a string or null/,
  });
  assert.throws(
    () => si.getPermanentSessionLifetime({ config: { PERMANENT_SESSION_LIFETIME: "31d" } }),
    { name: "TypeError", message: /PERMANENT_SESSION_LIFETIME/ },
  );
  assert.throws(() => si.getSigningSerializer({ secretKey: 42 as unknown as string, config: {} }), {
    name: "TypeError",
    message: /secret key must be a string or a Uint8Array/,
  });
  assert.throws(
    () => si.getSigningSerializer(app({ SECRET_KEY_FALLBACKS: "old key" })),
    { name: "TypeError", message: /SECRET_KEY_FALLBACKS must be a list/ },
  );
  assert.throws(() => si.getCookieName(undefined as unknown as SessionApp), TypeError);
  assert.throws(
    () => new SecureCookieSessionInterface({ clock: 5 as unknown as () => number }),
    TypeError,
  );
  const modified = new SecureCookieSession();
  modified.set("a", 1);
  await assert.rejects(() => si.saveSession({ config: {} }, modified, new Response("x")), {
    name: "Error",
    message: /Cannot save the session without a secret key/,
  });
});
