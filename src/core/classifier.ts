// Which MCPX_* code an error means: the 12 rules of diagnostics.md, first match wins, in their order.
import * as v from "valibot";
import { type ScannedText, scanText } from "./classifier-text.ts";
import * as W from "./classifier-wordings.ts";
import type { DiagnosticCode } from "./codes.ts";
import { isDockerCommand } from "./isolation.ts";

export const TRANSPORTS = ["stdio", "http", "sse", "streamable-http", "docker"] as const;
export const ERRNOS = [
  "ENOENT",
  "EACCES",
  "ENOEXEC",
  "ECONNREFUSED",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ETIMEDOUT",
] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type Errno = (typeof ERRNOS)[number];

export const ClassifyFactsSchema = v.strictObject({
  transport: v.optional(v.picklist(TRANSPORTS)),
  dockerIsolated: v.optional(v.boolean()),
  errno: v.optional(v.picklist(ERRNOS)),
  spawnPath: v.optional(v.string()),
  exitCode: v.optional(v.number()),
  timedOut: v.optional(v.boolean()),
  httpStatus: v.optional(v.number()),
});
export type ClassifyFacts = v.InferOutput<typeof ClassifyFactsSchema>;

interface Facts {
  transport: Transport | undefined;
  isolated: boolean;
  errno: Errno | undefined;
  spawnPath: string | undefined;
  exitCode: number | undefined;
  timedOut: boolean;
  httpStatus: number | undefined;
}

const HTTP_TRANSPORTS: ReadonlySet<Transport> = new Set(["http", "sse", "streamable-http"]);

export function classifyError(text: string, facts?: ClassifyFacts): DiagnosticCode {
  // Callers parse JSON and flags; a wrong type here must not throw, so it counts as absent.
  const t = scanText(typeof text === "string" ? text : "");
  const f = readFacts(facts);
  return (
    (f.isolated ? isolatedSpawn(t, f) : undefined) ??
    spawnFacts(f) ??
    (f.transport === "stdio" ? stdioText(t) : undefined) ??
    http(t, f) ??
    networkFacts(f) ??
    firstMatch(t, W.OAUTH) ??
    firstMatch(t, W.DOCKER_TEXT) ??
    firstMatch(t, W.NETWORK_TEXT) ??
    firstMatch(t, W.CONFIG) ??
    firstMatch(t, W.QUARANTINE) ??
    processFacts(f) ??
    "MCPX_UNKNOWN_UNCLASSIFIED"
  );
}

function readFacts(facts: unknown): Facts {
  const given: Record<string, unknown> =
    typeof facts === "object" && facts !== null ? (facts as Record<string, unknown>) : {};
  const pick = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
    list.find((item) => item === value);
  const finite = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) ? value : undefined;
  const exitCode = finite(given.exitCode);
  return {
    transport: pick(TRANSPORTS, given.transport),
    isolated: given.dockerIsolated === true,
    errno: pick(ERRNOS, given.errno),
    spawnPath: typeof given.spawnPath === "string" ? given.spawnPath : undefined,
    // 0 means the process exited cleanly: no fault to report.
    exitCode: exitCode === 0 ? undefined : exitCode,
    timedOut: given.timedOut === true,
    httpStatus: finite(given.httpStatus),
  };
}

function firstMatch(t: ScannedText, table: W.RuleTable): DiagnosticCode | undefined {
  return table.find(([, wordings]) => t.any(wordings))?.[0];
}

// Rule 1; when nothing here matches, rule 2 follows.
function isolatedSpawn(t: ScannedText, f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOENT" && f.spawnPath !== undefined && isDockerCommand(f.spawnPath)) {
    return "MCPX_DOCKER_CLI_NOT_FOUND";
  }
  if (t.any(W.DOCKER_CLI_MISSING)) return "MCPX_DOCKER_CLI_NOT_FOUND";
  return firstMatch(t, W.ISOLATED_SPAWN);
}

// Rule 2.
function spawnFacts(f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOENT") return "MCPX_STDIO_SPAWN_ENOENT";
  if (f.errno === "EACCES") return "MCPX_STDIO_SPAWN_EACCES";
  if (f.errno === "ENOEXEC") return "MCPX_STDIO_SPAWN_EXEC_FORMAT";
  return undefined;
}

// Rule 3.
function stdioText(t: ScannedText): DiagnosticCode | undefined {
  if (t.has("exec format error") && !t.any(W.OCI_RUNTIME)) return "MCPX_STDIO_SPAWN_EXEC_FORMAT";
  return firstMatch(t, W.STDIO_TEXT);
}

function statusCode(status: number | undefined): DiagnosticCode | undefined {
  if (status === 401) return "MCPX_HTTP_401";
  if (status === 403) return "MCPX_HTTP_403";
  if (status === 404) return "MCPX_HTTP_404";
  if (status !== undefined && Number.isInteger(status) && status >= 500 && status <= 599)
    return "MCPX_HTTP_5XX";
  return undefined;
}

// Rule 4.
function http(t: ScannedText, f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOTFOUND") return "MCPX_HTTP_DNS_FAILED";
  if (t.any(W.TLS)) return "MCPX_HTTP_TLS_FAILED";
  if (f.errno === "ECONNREFUSED") return "MCPX_HTTP_CONN_REFUSED";
  if (f.errno === "ETIMEDOUT") return "MCPX_HTTP_TIMEOUT";
  const httpBased = f.transport !== undefined && HTTP_TRANSPORTS.has(f.transport);
  if (httpBased && (f.timedOut || t.has("context deadline exceeded"))) return "MCPX_HTTP_TIMEOUT";
  const fromFact = statusCode(f.httpStatus);
  if (fromFact !== undefined || !httpBased) return fromFact;
  for (const status of t.statusCodes()) {
    const code = statusCode(status);
    if (code !== undefined) return code;
  }
  return undefined;
}

// Rule 5.
function networkFacts(f: Facts): DiagnosticCode | undefined {
  return f.errno === "ENETUNREACH" || f.errno === "EHOSTUNREACH" ? "MCPX_NETWORK_OFFLINE" : undefined;
}

// Rule 11: fallbacks, so that any specific text above wins.
function processFacts(f: Facts): DiagnosticCode | undefined {
  if (f.exitCode !== undefined) return "MCPX_STDIO_EXIT_NONZERO";
  if (f.timedOut && f.transport === "stdio") return "MCPX_STDIO_HANDSHAKE_TIMEOUT";
  return undefined;
}
