/**
 * The second seed article's Flask app, on phial: routes with typed URL values, JSON,
 * a redirect built with `urlFor`, a signed-cookie session, hooks and an error handler.
 * `server.ts` serves it like any app object (it looks up `app.wsgiApp` on each request):
 *
 * ```sh
 * deno run -A server.ts examples/flask_app.ts --port 8000
 * curl http://127.0.0.1:8000/user/41     # {"id":41,"next":"/user/42"}
 * ```
 *
 * @module
 */
import { Application, redirect, request, session, urlFor } from "../mod.ts";

/** The application (`server.ts` serves the module's `app`). */
export const app: Application = new Application(import.meta.url);
// Signs the session cookie; a real app reads it from the environment.
app.secretKey = Deno.env.get("PHIAL_SECRET_KEY") ?? "dev-only-secret";

app.route("/", function index() {
  return "<h1>Hello, web!</h1>";
});

app.route("/user/<int:id>", function user({ id }) {
  return { id, next: urlFor("user", { id: id + 1 }) };
});

app.route("/old-home", () => redirect(urlFor("index")));

app.route("/visits", function visits() {
  const count = ((session.get("visits") as number | undefined) ?? 0) + 1;
  session.set("visits", count);
  return `visit ${count}`;
});

app.post("/echo", async function echo() {
  const data = await request.getJson() as { text?: string } | null;
  return [{ echoed: data?.text ?? null }, 201];
});

app.afterRequest((response) => {
  response.headers.set("X-Powered-By", "phial");
  return response;
});

app.errorHandler(404, () => [{ error: `nothing at ${request.path}` }, 404]);
