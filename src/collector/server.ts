// The collector's HTTP routes: the write side (heartbeats and beacons, optional bearer token) and the read side.

import { keyFromHeaders, keysMatch } from "../core/api-key.ts";
import { judgeBody } from "../core/collector-intake.ts";
import { reportPage } from "../core/collector-page.ts";
import { type CollectorReport, storeFault, windowStart } from "../core/collector-report.ts";
import { parseDuration } from "../core/duration.ts";
import { printable } from "../core/printable.ts";
import { pathOf } from "../io/http-listen.ts";
import { log } from "../io/log.ts";
import { readBody } from "../io/request-body.ts";
import type { Writer } from "./writer.ts";

export interface CollectorState {
  writer: Writer;
  report: (fromDay: string, since: string) => CollectorReport;
  token: string | null;
  now: () => Date;
  /** Requests being answered: shutdown waits for them before the last commit. */
  inFlight: number;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const problem = (status: number, error: string, field: string | null = null) =>
  json(status, { error, field });

async function heartbeat(s: CollectorState, request: Request): Promise<Response> {
  if (s.token !== null) {
    const given = keyFromHeaders(null, request.headers.get("authorization"));
    if (!keysMatch(given, s.token)) {
      return json(
        401,
        { error: "missing or wrong bearer token", field: null },
        { "www-authenticate": "Bearer" },
      );
    }
  }
  const body = await readBody(request);
  if (!body.ok) return problem(body.status, body.error);
  const intake = judgeBody(body.text, s.now());
  if (!intake.ok) return problem(intake.status, intake.error, intake.field);
  const fault = await s.writer.add(intake.row);
  // The sender keeps its counters on any 5xx and retries later; Retry-After paces it.
  if (fault) return json(fault.status, { error: fault.reason, field: null }, { "retry-after": "30" });
  return json(200, { stored: intake.row.kind });
}

function since(url: string): { ok: true; text: string; fromDay: (now: Date) => string } | { ok: false } {
  const text = new URL(url).searchParams.get("since") ?? "30d";
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) return { ok: false };
  return { ok: true, text, fromDay: (now) => windowStart(now, ms) };
}

function read(s: CollectorState, request: Request, path: string): Response {
  const window = since(request.url);
  if (!window.ok) return problem(400, "since must be a duration such as 7d, 30d or 24h", "since");
  const report = s.report(window.fromDay(s.now()), window.text);
  if (path === "/v1/report") return json(200, report, { "cache-control": "no-store" });
  return new Response(reportPage(report), {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

const ROUTES: Record<string, string> = { "/v1/heartbeat": "POST", "/v1/report": "GET", "/": "GET" };

export function collectorHandler(s: CollectorState) {
  return async (request: Request): Promise<Response> => {
    s.inFlight++;
    try {
      const path = pathOf(request.url);
      const method = ROUTES[path];
      if (!method) return problem(404, "no such route");
      if (request.method !== method && !(method === "GET" && request.method === "HEAD")) {
        const response = problem(405, `use ${method}`);
        response.headers.set("allow", method);
        return response;
      }
      return method === "POST" ? await heartbeat(s, request) : read(s, request, path);
    } catch (error) {
      const e = error as { errcode?: number; message?: string };
      const fault = storeFault(e.errcode, String(e.message ?? error));
      log(
        "error",
        `${request.method} ${printable(pathOf(request.url).slice(0, 200))} failed: ${printable(fault.reason)}`,
      );
      return json(fault.status, { error: fault.reason, field: null }, { "retry-after": "30" });
    } finally {
      s.inFlight--;
    }
  };
}
