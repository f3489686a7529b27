// The daemon's HTTP server (srvx, so Bun and Deno alike): key check, routing, and counting every request.
import { keyFromHeaders, keysMatch } from "../core/api-key.ts";
import {
  API_PREFIX,
  CLIENT_HEADER,
  matchRoute,
  type RouteMatch,
  requestEvents,
  surfaceOf,
} from "../core/api-routes.ts";
import { printable } from "../core/printable.ts";
import { pathOf } from "../io/http-listen.ts";
import { log } from "../io/log.ts";
import { HANDLERS, problem } from "./routes.ts";
import { type DaemonState, record } from "./state.ts";

async function answer(d: DaemonState, request: Request, path: string, match: RouteMatch): Promise<Response> {
  if (path.startsWith(API_PREFIX) || path === "/api/v1") {
    const given = keyFromHeaders(request.headers.get("x-api-key"), request.headers.get("authorization"));
    if (!keysMatch(given, d.config.apiKey)) {
      return new Response(JSON.stringify({ error: "missing or wrong API key" }), {
        status: 401,
        headers: { "content-type": "application/json", "www-authenticate": "Bearer" },
      });
    }
  }
  if (match.route === "UNMATCHED") {
    if (match.allow.length === 0) return problem(404, "no such route");
    const response = problem(405, `use ${match.allow.join(" or ")}`);
    response.headers.set("allow", match.allow.join(", "));
    return response;
  }
  return HANDLERS[match.route](d, request, match.params);
}

/** Every request is counted once it has its status: 401s, 404s and 500s like the rest. */
export function handler(d: DaemonState) {
  return async (request: Request): Promise<Response> => {
    const path = pathOf(request.url);
    const match = matchRoute(request.method, path);
    let response: Response;
    try {
      response = await answer(d, request, path, match);
    } catch (error) {
      log(
        "error",
        `${request.method} ${printable(path.slice(0, 200))} failed: ${printable((error as Error).message)}`,
      );
      response = problem(500, "internal error");
    }
    const surface = surfaceOf(path, request.headers.get(CLIENT_HEADER));
    record(d, requestEvents(surface, match.route, response.status));
    return response;
  };
}
