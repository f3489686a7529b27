// The daemon's HTTP server (srvx, so Bun and Deno alike): key check, routing, and counting every request.
import { type Server, serve } from "srvx";
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
import { log } from "./log.ts";
import { HANDLERS, problem } from "./routes.ts";
import { type DaemonState, record } from "./state.ts";

/** The path of a request URL without parsing all of it (the hot path answers tens of thousands a second). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

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

export interface Bound {
  server: Server;
  /** The address it really listens on, with the port the OS picked for port 0. */
  host: string;
  port: number;
}

/** Listens, or throws the runtime's error (its `code` says EADDRINUSE, EACCES …). */
export async function listen(
  host: string,
  port: number,
  fetch: (r: Request) => Promise<Response>,
): Promise<Bound> {
  const server = serve({
    fetch,
    hostname: host,
    port,
    // srvx binds every interface and logs to stdout unless told; signals are ours (flush, then exit).
    silent: true,
    gracefulShutdown: false,
    // A keep-alive connection idle this long is closed (seconds).
    bun: { idleTimeout: 30 },
    // No maxRequestBodySize: under Bun it answers 413 before the handler, so the request would go uncounted.
  });
  await server.ready();
  const url = new URL(server.url ?? `http://${host}:${port}/`);
  return { server, host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port) };
}
