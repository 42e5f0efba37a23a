import { deepEqual, equal, throws } from "node:assert/strict";
import { SecurityError } from "../../framework/http/exceptions.ts";
import { Request } from "../../framework/wrappers/request.ts";
import { makeEnviron } from "./request_helpers.ts";

// Recorded from Werkzeug 3.1's Request over the same environ values (PATH_INFO and
// SCRIPT_NAME given decoded, as phial's gateway contract has them).
const URL_CASES: [Record<string, string>, Record<string, string>][] = [[{
  "HTTP_HOST": "example.com",
}, {
  "host": "example.com",
  "url": "http://example.com/",
  "base_url": "http://example.com/",
  "root_url": "http://example.com/",
  "host_url": "http://example.com/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "Example.COM:80" }, {
  "host": "Example.COM",
  "url": "http://example.com/",
  "base_url": "http://example.com/",
  "root_url": "http://example.com/",
  "host_url": "http://example.com/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "example.com:443", "wsgi.url_scheme": "https" }, {
  "host": "example.com",
  "url": "https://example.com/",
  "base_url": "https://example.com/",
  "root_url": "https://example.com/",
  "host_url": "https://example.com/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "example.com:8443", "wsgi.url_scheme": "https" }, {
  "host": "example.com:8443",
  "url": "https://example.com:8443/",
  "base_url": "https://example.com:8443/",
  "root_url": "https://example.com:8443/",
  "host_url": "https://example.com:8443/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "example.com:80", "wsgi.url_scheme": "https" }, {
  "host": "example.com:80",
  "url": "https://example.com:80/",
  "base_url": "https://example.com:80/",
  "root_url": "https://example.com:80/",
  "host_url": "https://example.com:80/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{}, {
  "host": "srv:8080",
  "url": "http://srv:8080/",
  "base_url": "http://srv:8080/",
  "root_url": "http://srv:8080/",
  "host_url": "http://srv:8080/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "SERVER_PORT": "80" }, {
  "host": "srv",
  "url": "http://srv/",
  "base_url": "http://srv/",
  "root_url": "http://srv/",
  "host_url": "http://srv/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "SERVER_PORT": "unix" }, {
  "host": "",
  "url": "http:///",
  "base_url": "http:///",
  "root_url": "http:///",
  "host_url": "http:///",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "SERVER_NAME": "::1", "SERVER_PORT": "80" }, {
  "host": "[::1]",
  "url": "http://[::1]/",
  "base_url": "http://[::1]/",
  "root_url": "http://[::1]/",
  "host_url": "http://[::1]/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "[::1]:5000" }, {
  "host": "[::1]:5000",
  "url": "http://[::1]:5000/",
  "base_url": "http://[::1]:5000/",
  "root_url": "http://[::1]:5000/",
  "host_url": "http://[::1]:5000/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "bad host" }, {
  "host": "",
  "url": "http:///",
  "base_url": "http:///",
  "root_url": "http:///",
  "host_url": "http:///",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "xn--n3h.net" }, {
  "host": "xn--n3h.net",
  "url": "http://☃.net/",
  "base_url": "http://☃.net/",
  "root_url": "http://☃.net/",
  "host_url": "http://☃.net/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "xn--bcher-kva.example:81" }, {
  "host": "xn--bcher-kva.example:81",
  "url": "http://bücher.example:81/",
  "base_url": "http://bücher.example:81/",
  "root_url": "http://bücher.example:81/",
  "host_url": "http://bücher.example:81/",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "" }, {
  "host": "",
  "url": "http:///",
  "base_url": "http:///",
  "root_url": "http:///",
  "host_url": "http:///",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{ "HTTP_HOST": "a_b.com" }, {
  "host": "",
  "url": "http:///",
  "base_url": "http:///",
  "root_url": "http:///",
  "host_url": "http:///",
  "path": "/",
  "full_path": "/?",
  "script_root": "",
}], [{
  "HTTP_HOST": "h",
  "SCRIPT_NAME": "/app/",
  "PATH_INFO": "/x y/é%/?#",
  "QUERY_STRING": "a=1&b=%20%zz&c=Ã© x&d=%2F#f",
}, {
  "host": "h",
  "url": "http://h/app/x%20y/é%/%3F%23?a=1&b=%20%zz&c=é%20x&d=/%23f",
  "base_url": "http://h/app/x%20y/é%/%3F%23",
  "root_url": "http://h/app/",
  "host_url": "http://h/",
  "path": "/x y/é%/?#",
  "full_path": "/x y/é%/?#?a=1&b=%20%zz&c=é x&d=%2F#f",
  "script_root": "/app",
}], [{ "HTTP_HOST": "h", "SCRIPT_NAME": "/app", "PATH_INFO": "" }, {
  "host": "h",
  "url": "http://h/app/",
  "base_url": "http://h/app/",
  "root_url": "http://h/app/",
  "host_url": "http://h/",
  "path": "/",
  "full_path": "/?",
  "script_root": "/app",
}], [{ "HTTP_HOST": "h", "SCRIPT_NAME": "/ä pp", "PATH_INFO": "/☃" }, {
  "host": "h",
  "url": "http://h/ä%20pp/☃",
  "base_url": "http://h/ä%20pp/☃",
  "root_url": "http://h/ä%20pp/",
  "host_url": "http://h/",
  "path": "/☃",
  "full_path": "/☃?",
  "script_root": "/ä pp",
}], [{ "HTTP_HOST": "h", "PATH_INFO": "//double//" }, {
  "host": "h",
  "url": "http://h/double//",
  "base_url": "http://h/double//",
  "root_url": "http://h/",
  "host_url": "http://h/",
  "path": "/double//",
  "full_path": "/double//?",
  "script_root": "",
}], [{ "HTTP_HOST": "h", "PATH_INFO": "/a%2Fb", "QUERY_STRING": "q=%2F#frag" }, {
  "host": "h",
  "url": "http://h/a%2Fb?q=/%23frag",
  "base_url": "http://h/a%2Fb",
  "root_url": "http://h/",
  "host_url": "http://h/",
  "path": "/a%2Fb",
  "full_path": "/a%2Fb?q=%2F#frag",
  "script_root": "",
}], [{ "HTTP_HOST": "h", "QUERY_STRING": "x=%E2%98%83&y=%ff" }, {
  "host": "h",
  "url": "http://h/?x=☃&y=%FF",
  "base_url": "http://h/",
  "root_url": "http://h/",
  "host_url": "http://h/",
  "path": "/",
  "full_path": "/?x=%E2%98%83&y=%ff",
  "script_root": "",
}]];

for (const [environ, expected] of URL_CASES) {
  Deno.test(`Request URL properties match Werkzeug for ${JSON.stringify(environ)}`, () => {
    const r = new Request(makeEnviron(environ));
    deepEqual({
      host: r.host,
      url: r.url,
      base_url: r.baseUrl,
      root_url: r.rootUrl,
      host_url: r.hostUrl,
      path: r.path,
      full_path: r.fullPath,
      script_root: r.scriptRoot,
    }, expected);
  });
}

Deno.test("Request.host with trustedHosts rejects other hosts with 400 SecurityError", () => {
  const ok = new Request(makeEnviron({ HTTP_HOST: "api.example.com" }), {
    trustedHosts: [".example.com"],
  });
  equal(ok.host, "api.example.com");
  const bad = new Request(makeEnviron({ HTTP_HOST: "evil.com" }), {
    trustedHosts: ["example.com"],
  });
  const error = throws(() => bad.host, SecurityError);
  equal(new SecurityError().code, 400);
  void error;
});

Deno.test("Request.method, scheme and isSecure read the environ", () => {
  const r = new Request(makeEnviron({ REQUEST_METHOD: "patch", "wsgi.url_scheme": "https" }));
  equal(r.method, "PATCH");
  equal(r.scheme, "https");
  equal(r.isSecure, true);
  equal(new Request(makeEnviron()).isSecure, false);
});

Deno.test("Request.args is parsed lazily, once, with Werkzeug's decoding", () => {
  const environ = makeEnviron({ QUERY_STRING: "q=caf%C3%A9&n=2&n=3&bad=%zz&plus=a+b" });
  const r = new Request(environ);
  environ.QUERY_STRING = "q=changed-before-first-access";
  equal(r.args.get("q"), "changed-before-first-access");
  const r2 = new Request(makeEnviron({ QUERY_STRING: "q=caf%C3%A9&n=2&n=3&bad=%zz&plus=a+b" }));
  equal(r2.args.get("q"), "café");
  deepEqual(r2.args.getlist("n"), ["2", "3"]);
  equal(r2.args.get("n", { type: Number }), 2);
  equal(r2.args.get("bad"), "%zz");
  equal(r2.args.get("plus"), "a b");
  equal(r2.args, r2.args);
});
