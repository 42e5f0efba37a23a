import { serveServeHttp } from "../../framework/server/serve_http_engine.ts";
import { fetchEngineCases } from "../gateway/fetch_engine_cases.ts";

fetchEngineCases("serve-http", serveServeHttp);
