// The daemon's route table and the rules that count a request: its surface, its route template, its status class.
import type { CounterEvent } from "./counters.ts";
import { REST_ROUTES, type Surface } from "./payload-schema.ts";

export type RestRoute = (typeof REST_ROUTES)[number];
export type ApiRoute = Exclude<RestRoute, "UNMATCHED">;

export const API_PREFIX = "/api/v1/";
export const CLIENT_HEADER = "x-mcpproxy-client";

interface Template {
  route: ApiRoute;
  method: string;
  /** The path's segments; `{name}` stands for one non-empty segment. */
  segments: string[];
}

const TEMPLATES: Template[] = REST_ROUTES.filter((r): r is ApiRoute => r !== "UNMATCHED").map((route) => {
  const [method, path] = route.split(" ") as [string, string];
  return { route, method, segments: path.split("/") };
});
// The routes without a parameter, by "METHOD /path": one lookup on the hot path (GET /api/v1/status).
const EXACT = new Map<string, ApiRoute>(
  TEMPLATES.filter((t) => !t.route.includes("{")).map((t) => [t.route, t.route]),
);

export type RouteMatch =
  | { route: ApiRoute; params: Record<string, string> }
  /** `allow` lists the methods the path has, when it has some (a 405 rather than a 404). */
  | { route: "UNMATCHED"; allow: string[] };

function matchPath(t: Template, parts: string[]): Record<string, string> | null {
  if (t.segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = t.segments[i] as string;
    const got = parts[i] as string;
    if (want.startsWith("{")) {
      if (got === "") return null;
      params[want.slice(1, -1)] = got;
    } else if (want !== got) return null;
  }
  return params;
}

/** The template a request matches, by method and exact path (no trailing `/`, no `//`, case-sensitive). */
export function matchRoute(method: string, pathname: string): RouteMatch {
  const exact = EXACT.get(`${method} ${pathname}`);
  if (exact) return { route: exact, params: {} };
  const parts = pathname.split("/");
  const allow: string[] = [];
  for (const t of TEMPLATES) {
    const params = matchPath(t, parts);
    if (!params) continue;
    if (t.method === method) return { route: t.route, params };
    allow.push(t.method);
  }
  return { route: "UNMATCHED", allow };
}

const NAMED: ReadonlySet<string> = new Set<Surface>(["cli", "webui", "tray", "mcp"]);

/**
 * `/mcp` and `/mcp/…` are the MCP surface whatever the header says; otherwise the header's part before
 * its first `/`, case-insensitively, when it names a surface; anything else is `unknown`.
 */
export function surfaceOf(pathname: string, clientHeader: string | null | undefined): Surface {
  if (pathname === "/mcp" || pathname.startsWith("/mcp/")) return "mcp";
  const value = clientHeader ?? "";
  const slash = value.indexOf("/");
  const name = (slash === -1 ? value : value.slice(0, slash)).toLowerCase();
  return NAMED.has(name) ? (name as Surface) : "unknown";
}

/** What one answered request adds to the counters: its surface, and its route template with the status. */
export function requestEvents(surface: Surface, route: RestRoute, status: number): CounterEvent[] {
  return [
    { kind: "surface_request", surface },
    { kind: "rest_call", route, status },
  ];
}
