import { serveDeno } from "../../framework/server/deno_engine.ts";
import { fetchEngineCases } from "../gateway/fetch_engine_cases.ts";

fetchEngineCases("deno", serveDeno);
