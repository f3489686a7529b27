// Which MCPX_* code an error means: the 12 rules of diagnostics.md, first match wins, in their order.

import { DecisionMemo } from "./classifier-memo.ts";
import { type CompiledTable, TextRules, type TextScan, type WordingSet } from "./classifier-text.ts";
import * as W from "./classifier-wordings.ts";
import { type ClassifyFacts, ERRNOS, type Errno, TRANSPORTS, type Transport } from "./classify-facts.ts";
import type { DiagnosticCode } from "./codes.ts";
import { isDockerCommand } from "./isolation.ts";

export { type ClassifyFacts, ERRNOS, type Errno, TRANSPORTS, type Transport };

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

// The wordings compiled once, in one place: every check on a text below is then a test of needle bits.
const rules = new TextRules();
const R = {
  dockerCliMissing: rules.set(W.DOCKER_CLI_MISSING),
  isolatedSpawn: rules.table(W.ISOLATED_SPAWN),
  execFormat: rules.set(["exec format error"]),
  ociRuntime: rules.set(W.OCI_RUNTIME),
  stdioText: rules.table(W.STDIO_TEXT),
  tls: rules.set(W.TLS),
  deadline: rules.set(["context deadline exceeded"]),
  oauth: rules.table(W.OAUTH),
  dockerText: rules.table(W.DOCKER_TEXT),
  networkText: rules.table(W.NETWORK_TEXT),
  config: rules.table(W.CONFIG),
  quarantine: rules.table(W.QUARANTINE),
} satisfies Record<string, WordingSet | CompiledTable>;
// One scanner, reset by each call: classification is synchronous, so calls never share it.
const scanner = rules.scanner();

export function classifyError(text: string, facts?: ClassifyFacts): DiagnosticCode {
  // Callers parse JSON and flags; a wrong type here must not throw, so it counts as absent.
  const t = scanner.scan(typeof text === "string" ? text : "");
  const code = decide(t, readFacts(facts));
  t.clear();
  return code;
}

function decide(t: TextScan, f: Facts): DiagnosticCode {
  return (
    (f.isolated ? isolatedSpawn(t, f) : undefined) ??
    spawnFacts(f) ??
    (f.transport === "stdio" ? stdioText(t) : undefined) ??
    http(t, f) ??
    networkFacts(f) ??
    t.first(R.oauth) ??
    t.first(R.dockerText) ??
    t.first(R.networkText) ??
    t.first(R.config) ??
    t.first(R.quarantine) ??
    processFacts(f) ??
    "MCPX_UNKNOWN_UNCLASSIFIED"
  );
}

function readFacts(facts: unknown): Facts {
  const given: Record<string, unknown> =
    typeof facts === "object" && facts !== null ? (facts as Record<string, unknown>) : {};
  const exitCode = finite(given.exitCode);
  return {
    transport: pick(TRANSPORTS, given.transport),
    isolated: given.dockerIsolated === true,
    errno: pick(ERRNOS, given.errno),
    spawnPath: typeof given.spawnPath === "string" ? given.spawnPath : undefined,
    // 0 means the process exited cleanly: no fault to report.
    exitCode: exitCode === 0 ? undefined : exitCode,
    timedOut: given.timedOut === true,
    // Rule 4: a status that is not a whole number is ignored, and the text's `status NNN` still counts.
    httpStatus: Number.isInteger(given.httpStatus) ? (given.httpStatus as number) : undefined,
  };
}

function pick<T extends string>(list: readonly T[], value: unknown): T | undefined {
  for (const item of list) if (item === value) return item;
  return undefined;
}

const finite = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

// Rule 1; when nothing here matches, rule 2 follows.
function isolatedSpawn(t: TextScan, f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOENT" && f.spawnPath !== undefined && isDockerCommand(f.spawnPath)) {
    return "MCPX_DOCKER_CLI_NOT_FOUND";
  }
  if (t.any(R.dockerCliMissing)) return "MCPX_DOCKER_CLI_NOT_FOUND";
  return t.first(R.isolatedSpawn);
}

// Rule 2.
function spawnFacts(f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOENT") return "MCPX_STDIO_SPAWN_ENOENT";
  if (f.errno === "EACCES") return "MCPX_STDIO_SPAWN_EACCES";
  if (f.errno === "ENOEXEC") return "MCPX_STDIO_SPAWN_EXEC_FORMAT";
  return undefined;
}

// Rule 3.
function stdioText(t: TextScan): DiagnosticCode | undefined {
  if (t.any(R.execFormat) && !t.any(R.ociRuntime)) return "MCPX_STDIO_SPAWN_EXEC_FORMAT";
  return t.first(R.stdioText);
}

function statusCode(status: number | undefined): DiagnosticCode | undefined {
  if (status === 401) return "MCPX_HTTP_401";
  if (status === 403) return "MCPX_HTTP_403";
  if (status === 404) return "MCPX_HTTP_404";
  if (status !== undefined && status >= 500 && status <= 599) return "MCPX_HTTP_5XX";
  return undefined;
}

// Rule 4.
function http(t: TextScan, f: Facts): DiagnosticCode | undefined {
  if (f.errno === "ENOTFOUND") return "MCPX_HTTP_DNS_FAILED";
  if (t.any(R.tls)) return "MCPX_HTTP_TLS_FAILED";
  if (f.errno === "ECONNREFUSED") return "MCPX_HTTP_CONN_REFUSED";
  if (f.errno === "ETIMEDOUT") return "MCPX_HTTP_TIMEOUT";
  const httpBased = f.transport !== undefined && HTTP_TRANSPORTS.has(f.transport);
  if (httpBased && (f.timedOut || t.any(R.deadline))) return "MCPX_HTTP_TIMEOUT";
  const fromFact = statusCode(f.httpStatus);
  if (fromFact !== undefined || !httpBased) return fromFact;
  return t.firstStatus(statusCode);
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

export type LineClassifier = ReturnType<typeof lineClassifier>;

/** Classifies a log's lines, its facts read once; an ASCII line's bytes are classified without decoding them. */
export function lineClassifier(facts?: ClassifyFacts) {
  const f = readFacts(facts);
  const text = (line: string): DiagnosticCode => {
    const code = decide(scanner.scan(line), f);
    scanner.clear();
    return code;
  };
  // What every text without a needle is, the empty text among them.
  const plain = text("");
  const decided = new DecisionMemo<DiagnosticCode>(scanner.found.length);
  // The code of the bytes just scanned: remembered by their needle bits when no check read them.
  const scannedCode = (): DiagnosticCode => {
    const known = decided.get(scanner.found);
    const code = known ?? decide(scanner, f);
    if (known === undefined && !scanner.textRead) decided.set(scanner.found, code);
    scanner.clear();
    return code;
  };
  return {
    text,
    /** What every line that glances "none" is. */
    plain,
    /** The code of the text bytes[start, end) if they are all ASCII, else undefined. */
    asciiBytes(bytes: Uint8Array, start: number, end: number): DiagnosticCode | undefined {
      const scanned = scanner.scanAsciiBytes(bytes, start, end);
      if (scanned !== "scanned") return scanned === "none" ? plain : undefined;
      return scannedCode();
    },
    /** A first look: "none" means `plain`; "needle" lines go to `needleBytes` or, two at a time, `needleBytesPair`. */
    glance: (bytes: Uint8Array, start: number, end: number) => scanner.glance(bytes, start, end),
    /** As `asciiBytes` on a line that glanced "needle". */
    needleBytes(bytes: Uint8Array, start: number, end: number): DiagnosticCode | undefined {
      return scanner.scanNeedleBytes(bytes, start, end) ? scannedCode() : undefined;
    },
    /** `needleBytes` on two lines in one pass (faster), their codes into `codes`. */
    needleBytesPair(
      a: Uint8Array,
      aStart: number,
      aEnd: number,
      b: Uint8Array,
      bStart: number,
      bEnd: number,
      codes: (DiagnosticCode | undefined)[],
    ): void {
      const ascii = scanner.scanNeedleBytesPair(a, aStart, aEnd, b, bStart, bEnd);
      codes[0] = ascii & 1 ? scannedCode() : undefined;
      scanner.takeSecond(b, bStart, bEnd);
      codes[1] = ascii & 2 ? scannedCode() : undefined;
    },
  };
}
