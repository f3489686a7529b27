// `mcpproxy diagnose`: which MCPX_* failure an error text is and what to do, or a histogram of a log's codes.
import { defineCommand } from "citty";
import { type Context, loadContext } from "../context.ts";
import type { ClassifyFacts } from "../core/classifier.ts";
import type { DiagnosticCode } from "../core/codes.ts";
import type { CounterEvent } from "../core/counters.ts";
import { CliError, usageError } from "../errors.ts";
import type { LoadedConfig } from "../io/config-store.ts";
import { printNotice, printResult } from "../io/output.ts";
import { globalArgs } from "./global-args.ts";

const UNKNOWN: DiagnosticCode = "MCPX_UNKNOWN_UNCLASSIFIED";
const HELP_HINT = "run `mcpproxy diagnose --help` for usage";
const INPUT_HINT = "give the error text as arguments, pipe it with `-`, or give --file LOG";

interface FactFlags {
  transport?: string;
  "docker-isolated"?: boolean;
  errno?: string;
  "spawn-path"?: string;
  "exit-code"?: string;
  "timed-out"?: boolean;
  "http-status"?: string;
}

async function factsFromFlags(args: FactFlags): Promise<ClassifyFacts> {
  const { TRANSPORTS, ERRNOS } = await import("../core/classifier.ts");
  const facts: ClassifyFacts = {};
  if (args.transport !== undefined) {
    const transport = TRANSPORTS.find((t) => t === args.transport?.trim().toLowerCase());
    if (!transport) {
      throw usageError(`unknown transport "${args.transport}"`, `use one of: ${TRANSPORTS.join(", ")}`);
    }
    facts.transport = transport;
  }
  if (args.errno !== undefined) {
    const errno = ERRNOS.find((e) => e === args.errno?.trim().toUpperCase());
    if (!errno) throw usageError(`unknown errno "${args.errno}"`, `use one of: ${ERRNOS.join(", ")}`);
    facts.errno = errno;
  }
  const exitCode = args["exit-code"];
  if (exitCode !== undefined) {
    const n = /^\s*[+-]?\d+\s*$/.test(exitCode) ? Number(exitCode) : Number.NaN;
    if (!Number.isSafeInteger(n))
      throw usageError(`--exit-code must be an integer, got "${exitCode}"`, HELP_HINT);
    facts.exitCode = n;
  }
  const status = args["http-status"];
  if (status !== undefined) {
    const n = /^\s*\d{3}\s*$/.test(status) ? Number(status) : Number.NaN;
    if (!(n >= 100 && n <= 599)) {
      throw usageError(`--http-status must be an HTTP status from 100 to 599, got "${status}"`, HELP_HINT);
    }
    facts.httpStatus = n;
  }
  if (args["spawn-path"] !== undefined) facts.spawnPath = args["spawn-path"];
  if (args["docker-isolated"] !== undefined) facts.dockerIsolated = args["docker-isolated"];
  if (args["timed-out"] !== undefined) facts.timedOut = args["timed-out"];
  return facts;
}

/** What the config says about the server: would Docker wrap it, and over which transport it talks. */
async function factsFromServer(loaded: LoadedConfig, name: string): Promise<ClassifyFacts> {
  const [{ wouldIsolate }, { protocolKind }] = await Promise.all([
    import("../core/isolation.ts"),
    import("../core/servers.ts"),
  ]);
  const servers = loaded.config.mcpServers ?? [];
  const server = servers.find((s) => s?.name === name);
  if (!server) {
    // The names stay on this terminal; listing them saves a trip to the config file.
    const names = servers.map((s) => s?.name).filter((n): n is string => !!n);
    const shown = names.length > 10 ? [...names.slice(0, 10), "…"] : names;
    const hint = !loaded.exists
      ? "the file does not exist; give --config the config that lists the server"
      : names.length > 0
        ? `its servers: ${shown.join(", ")}`
        : "it lists no servers";
    throw new CliError(`no server named "${name}" in ${loaded.path}`, 1, hint);
  }
  const kind = protocolKind(server.protocol);
  const transports = {
    stdio: "stdio",
    http: "http",
    sse: "sse",
    streamable_http: "streamable-http",
  } as const;
  return {
    dockerIsolated: wouldIsolate(loaded.config, server),
    ...(kind === "auto" ? {} : { transport: transports[kind] }),
  };
}

async function readInput(ctx: Context, words: string[]): Promise<string> {
  if (words.length > 0 && !(words.length === 1 && words[0] === "-")) return words.join(" ");
  if (words.length === 0 && ctx.tty.stdin) throw usageError("nothing to classify", INPUT_HINT);
  const { readMessage, MESSAGE_CAP } = await import("../io/log-lines.ts");
  const { text, cut } = await readMessage(process.stdin);
  if (cut)
    printNotice(
      `mcpproxy: stdin is long; classifying its first ${MESSAGE_CAP.toLocaleString("en")} characters`,
    );
  return text;
}

/** Adds codes to the 24-hour counts; says on stderr what was added, or that telemetry is off. */
async function record(ctx: Context, loaded: LoadedConfig, codes: Map<DiagnosticCode, number>) {
  const [{ recordEvents }, { decideOptOut, offReason }] = await Promise.all([
    import("../io/counter-store.ts"),
    import("../core/optout.ts"),
  ]);
  const configEnabled = loaded.config.telemetry?.enabled;
  // One shared event object per code: a big log's array holds references, not copies.
  const events = [...codes].flatMap(([code, n]) =>
    Array<CounterEvent>(n).fill({ kind: "diagnostic_code", code }),
  );
  if (!(await recordEvents(ctx, configEnabled, events))) {
    const why = offReason(decideOptOut(ctx.env, configEnabled));
    printNotice(`mcpproxy: nothing recorded: telemetry is off (${why})`);
  } else if (events.length > 0) {
    const what =
      codes.size === 1 && events.length === 1 ? [...codes.keys()].join("") : `${events.length} codes`;
    printNotice(`mcpproxy: added ${what} to the 24-hour diagnostics counts`);
  }
}

interface Histogram {
  lines: number;
  unclassified: number;
  truncated: number;
  codes: Map<DiagnosticCode, number>;
}

// A progress line on a terminal's stderr for logs that take more than a second; redrawn at most 4 times a second.
function progressLine(label: string, size: number, lines: () => number) {
  const started = performance.now();
  let read = 0;
  let last = 0;
  let shown = false;
  return {
    update(bytes: number) {
      read += bytes;
      const now = performance.now();
      if (now - started < 1000 || now - last < 250) return;
      [last, shown] = [now, true];
      const done = size > 0 ? `${Math.min(100, Math.floor((read / size) * 100))}%` : `${read >> 20} MiB`;
      process.stderr.write(`\rmcpproxy: reading ${label}: ${done}, ${lines().toLocaleString("en")} lines`);
    },
    done() {
      if (shown) process.stderr.write("\r\u001b[K");
    },
  };
}

async function countLog(ctx: Context, path: string, classify: (line: string) => DiagnosticCode) {
  const { forEachLine, openLog } = await import("../io/log-lines.ts");
  const log = path === "-" ? { path: "stdin", size: 0, chunks: process.stdin } : await openLog(path);
  const h: Histogram = { lines: 0, unclassified: 0, truncated: 0, codes: new Map() };
  const progress = ctx.tty.stderr ? progressLine(log.path, log.size, () => h.lines) : undefined;
  try {
    await forEachLine(
      log.chunks,
      (line, cut) => {
        if (line.trim() === "") return;
        h.lines++;
        if (cut) h.truncated++;
        const code = classify(line);
        if (code === UNKNOWN) h.unclassified++;
        else h.codes.set(code, (h.codes.get(code) ?? 0) + 1);
      },
      progress?.update,
    );
  } finally {
    progress?.done();
  }
  return h;
}

const byCount = (h: Histogram) => [...h.codes].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1));

function histogramJson(h: Histogram) {
  const codes = Object.fromEntries(byCount(h));
  return {
    lines: h.lines,
    classified: h.lines - h.unclassified,
    unclassified: h.unclassified,
    truncated: h.truncated,
    codes,
  };
}

function histogramView(h: Histogram): string {
  if (h.lines === 0) return "no lines to classify: the log is empty";
  const rows: Array<[string, number]> = [...byCount(h), ["unclassified", h.unclassified]];
  const width = Math.max(5, ...rows.map(([, n]) => String(n).length));
  const lines = [
    `${"COUNT".padStart(width)}  CODE`,
    ...rows.map(([code, n]) => `${String(n).padStart(width)}  ${code}`),
  ];
  lines.push("", `${h.lines} lines: ${h.lines - h.unclassified} classified, ${h.unclassified} unclassified`);
  if (h.truncated > 0)
    lines.push(`${h.truncated} lines longer than 64 Ki characters were classified on their start`);
  return lines.join("\n");
}

export default defineCommand({
  meta: {
    name: "diagnose",
    description:
      "Explain an MCP server error: its MCPX_* code and how to fix it (or count the codes in a log)",
  },
  args: {
    ...globalArgs,
    text: {
      type: "positional",
      required: false,
      description: "The error text; `-` reads one message from stdin",
    },
    file: {
      type: "string",
      valueHint: "log",
      description: "Classify each line of a log (`-` reads it from stdin) and count the codes",
    },
    transport: {
      type: "string",
      valueHint: "name",
      description: "The server's transport: stdio, http, sse, streamable-http or docker",
    },
    "docker-isolated": { type: "boolean", description: "The server runs inside Docker isolation" },
    errno: { type: "string", valueHint: "code", description: "The system error code, e.g. ENOENT" },
    "spawn-path": { type: "string", valueHint: "path", description: "The program that failed to start" },
    "exit-code": {
      type: "string",
      valueHint: "n",
      description: "The server started and exited with this code",
    },
    "timed-out": { type: "boolean", description: "A deadline passed" },
    "http-status": { type: "string", valueHint: "nnn", description: "The HTTP status the server answered" },
    server: {
      type: "string",
      valueHint: "name",
      description: "Take Docker isolation and transport from this server in the config",
    },
    record: { type: "boolean", description: "Add the code(s) to the 24-hour counts of the telemetry" },
  },
  async run({ args }) {
    const ctx = loadContext(args);
    const words = (args._ as unknown[]).map(String);
    if (args.file !== undefined && words.length > 0) {
      throw usageError("give either error text or --file LOG, not both", INPUT_HINT);
    }
    const flagFacts = await factsFromFlags(args);
    const { loadConfig } = await import("../io/config-store.ts");
    const loaded = args.server !== undefined || args.record ? await loadConfig(ctx.configPath) : undefined;
    // Explicit flags win over what the server's config implies.
    const facts = {
      ...(loaded && args.server !== undefined ? await factsFromServer(loaded, args.server) : {}),
      ...flagFacts,
    };
    const { classifyError } = await import("../core/classifier.ts");

    if (args.file !== undefined) {
      const histogram = await countLog(ctx, args.file, (line) => classifyError(line, facts));
      printResult(ctx.out, histogramJson(histogram), () => histogramView(histogram));
      if (loaded && args.record) await record(ctx, loaded, histogram.codes);
      return;
    }

    const text = await readInput(ctx, words);
    if (text.trim() === "") throw usageError("nothing to classify", INPUT_HINT);
    const code = classifyError(text, facts);
    const [{ catalogEntry }, { entryView }] = await Promise.all([
      import("../core/catalog.ts"),
      import("./diagnostics/entry-view.ts"),
    ]);
    const entry = catalogEntry(code);
    printResult(ctx.out, entry, () => entryView(ctx.out, entry));
    if (loaded && args.record) await record(ctx, loaded, new Map([[code, 1]]));
  },
});
