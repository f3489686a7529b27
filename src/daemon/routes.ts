// The daemon's API handlers, one per route template; each takes the request and answers JSON.

import { ClassifyBodySchema, parseBody, parseEventsBody, parseJsonBody } from "../core/api-bodies.ts";
import type { ApiRoute } from "../core/api-routes.ts";
import { isCountable } from "../core/counters.ts";
import type { DaemonStatus } from "../core/daemon-info.ts";
import { statusView } from "../core/status-view.ts";
import { readBody } from "../io/request-body.ts";
import type { DaemonState } from "./state.ts";
import { record } from "./state.ts";

export type Handler = (d: DaemonState, request: Request, params: Record<string, string>) => Promise<Response>;

const JSON_HEADERS = { "content-type": "application/json" };

export function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: JSON_HEADERS });
}

export const problem = (status: number, error: string, field?: string) =>
  json(status, field === undefined ? { error } : { error, field });

/** The body as JSON, or the answer that refuses it (400 naming the field, 408, 413). */
async function jsonBody(request: Request, emptyIs?: unknown): Promise<{ doc: unknown } | Response> {
  const body = await readBody(request);
  if (!body.ok) return problem(body.status, body.error, body.status === 400 ? "" : undefined);
  if (body.text.trim() === "" && emptyIs !== undefined) return { doc: emptyIs };
  const parsed = parseJsonBody(body.text);
  return parsed.ok ? { doc: parsed.doc } : problem(400, parsed.error, parsed.field);
}

export function daemonStatus(d: DaemonState): DaemonStatus {
  return {
    status: "running",
    version: d.ctx.version,
    pid: d.pid,
    url: d.url,
    uptime_seconds: Math.max(0, Math.floor((d.ctx.now().getTime() - d.startedMs) / 1000)),
    telemetry_enabled: d.config.decision.enabled,
  };
}

const getStatus: Handler = async (d) => json(200, daemonStatus(d));

const getTelemetryStatus: Handler = async (d) => {
  const view = statusView({
    config: d.config.loaded.config,
    decision: d.config.decision,
    configPath: d.ctx.configPath,
    dataDir: d.ctx.dataDir,
  });
  return json(200, { ...view, daemon: { running: true, address: d.url, pid: d.pid } });
};

const getPayload: Handler = async (d) => {
  const { daemonPayloadBody } = await import("./payload.ts");
  return new Response(await daemonPayloadBody(d), { status: 200, headers: JSON_HEADERS });
};

const postHeartbeat: Handler = async (d, request) => {
  // No options yet: the body may be empty or `{}`, and nothing else.
  const body = await jsonBody(request, {});
  if (body instanceof Response) return body;
  if (typeof body.doc !== "object" || body.doc === null || Array.isArray(body.doc)) {
    return problem(400, "the body must be a JSON object", "");
  }
  const extra = Object.keys(body.doc)[0];
  if (extra !== undefined) return problem(400, `unknown field "${extra}"`, extra);
  const { sendFromDaemon } = await import("./heartbeat.ts");
  const result = await sendFromDaemon(d);
  // The send ran; a collector that refused or could not be reached is a bad gateway, a gate's no is not.
  return json(!result.sent && result.gate === "post" ? 502 : 200, result);
};

const postEvents: Handler = async (d, request) => {
  const body = await jsonBody(request);
  if (body instanceof Response) return body;
  const parsed = parseEventsBody(body.doc);
  if (!parsed.ok) return problem(400, parsed.error, parsed.field);
  // An event the counters do not know (a tool that is not built in, an unknown category) changes nothing.
  const now = d.ctx.now();
  const known = parsed.events.filter((e) => isCountable(e, now));
  const recorded = record(d, known) ? known.length : 0;
  return json(200, {
    recorded,
    dropped: parsed.events.length + parsed.skipped - recorded,
    telemetry_enabled: d.config.decision.enabled,
  });
};

const postClassify: Handler = async (d, request) => {
  const body = await jsonBody(request);
  if (body instanceof Response) return body;
  const parsed = parseBody(ClassifyBodySchema, body.doc);
  if (!parsed.ok) return problem(400, parsed.error, parsed.field);
  const [{ isBlank }, { classifyError }, { catalogEntry }] = await Promise.all([
    import("../core/log-histogram.ts"),
    import("../core/classifier.ts"),
    import("../core/catalog.ts"),
  ]);
  const { text, facts, record: wanted } = parsed.value;
  if (isBlank(text)) return problem(400, "nothing to classify: the text is blank", "text");
  const entry = catalogEntry(classifyError(text, facts ?? {}));
  if (!wanted) return json(200, entry);
  const recorded = record(d, [{ kind: "diagnostic_code", code: entry.code }]);
  return json(200, { ...entry, recorded });
};

const getCodes: Handler = async () => {
  const [{ CATALOG }, { DIAGNOSTIC_CODES }] = await Promise.all([
    import("../core/catalog.ts"),
    import("../core/codes.ts"),
  ]);
  return json(
    200,
    DIAGNOSTIC_CODES.map((code) => CATALOG[code]),
  );
};

const getCode: Handler = async (_d, _request, params) => {
  const [{ CATALOG }, { isDiagnosticCode, normaliseCodeName }] = await Promise.all([
    import("../core/catalog.ts"),
    import("../core/codes.ts"),
  ]);
  let name: string;
  try {
    name = decodeURIComponent(params.code ?? "");
  } catch {
    return problem(404, "unknown code", "code");
  }
  const code = normaliseCodeName(name);
  return isDiagnosticCode(code) ? json(200, CATALOG[code]) : problem(404, "unknown code", "code");
};

const getDockerSource: Handler = async (d) => {
  const { collectDockerSource } = await import("../collect-docker-source.ts");
  return json(200, await collectDockerSource(d.ctx));
};

export const HANDLERS: Record<ApiRoute, Handler> = {
  "GET /api/v1/status": getStatus,
  "GET /api/v1/telemetry/status": getTelemetryStatus,
  "GET /api/v1/telemetry/payload": getPayload,
  "POST /api/v1/telemetry/heartbeat": postHeartbeat,
  "POST /api/v1/telemetry/events": postEvents,
  "POST /api/v1/diagnostics/classify": postClassify,
  "GET /api/v1/diagnostics/codes": getCodes,
  "GET /api/v1/diagnostics/codes/{code}": getCode,
  "GET /api/v1/docker/source": getDockerSource,
};
