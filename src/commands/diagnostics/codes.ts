// `mcpproxy diagnostics codes [CODE]`: the catalog as a table, or one entry in full; also the entry's human view.
import { defineCommand } from "citty";
import { loadContext, type Output } from "../../context.ts";
import type { CatalogEntry, FixStep } from "../../core/catalog.ts";
import { usageError } from "../../errors.ts";
import { paint, printResult } from "../../io/output.ts";
import { globalArgs } from "../global-args.ts";

const SEVERITY_COLOUR: Record<CatalogEntry["severity"], number> = { error: 31, warn: 33, info: 36 };

function stepLines(step: FixStep, n: number): string[] {
  const mark = step.destructive ? " (changes your system: read it before running)" : "";
  const lines = [`  ${n}. ${step.label}${mark}`];
  if (step.command) lines.push(`       ${step.command}`);
  if (step.url) lines.push(`       ${step.url}`);
  // Buttons run a fixer inside the MCPProxy app; the terminal can only point at them.
  if (step.type === "button") lines.push("       (a button in the MCPProxy app)");
  return lines;
}

/** One catalog entry for people: code and severity, the message, numbered fix steps, the docs link. */
export function entryView(out: Output, entry: CatalogEntry): string {
  const severity = paint(out, SEVERITY_COLOUR[entry.severity], entry.severity);
  return [
    `${paint(out, 1, entry.code)} (${severity})`,
    entry.user_message,
    "",
    "What to do:",
    ...entry.fix_steps.flatMap((step, i) => stepLines(step, i + 1)),
    "",
    `Docs: ${entry.docs_url}`,
  ].join("\n");
}

// The table's message column: the first sentence is enough to pick a code.
const firstSentence = (text: string) => /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;

function catalogTable(out: Output, entries: CatalogEntry[]): string {
  const codeWidth = Math.max(...entries.map((e) => e.code.length));
  const rows = entries.map((e) => {
    const severity = paint(out, SEVERITY_COLOUR[e.severity], e.severity.padEnd(5));
    return `${e.code.padEnd(codeWidth)}  ${severity}  ${firstSentence(e.user_message)}`;
  });
  return [`${"CODE".padEnd(codeWidth)}  LEVEL  MESSAGE`, ...rows].join("\n");
}

/** `docker-cli-not-found`, `mcpx_http_401` and `HTTP 401` all name their MCPX_* code. */
function normaliseCode(input: string): string {
  const name = input
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "_");
  return name.startsWith("MCPX_") ? name : `MCPX_${name}`;
}

export default defineCommand({
  meta: { name: "codes", description: "List the diagnostic codes, or show one code's entry in full" },
  args: {
    ...globalArgs,
    code: {
      type: "positional",
      required: false,
      description: "A code, e.g. MCPX_HTTP_401 (prefix optional)",
    },
  },
  async run({ args }) {
    const ctx = loadContext(args);
    const [{ CATALOG, closestCodes }, { DIAGNOSTIC_CODES, isDiagnosticCode }] = await Promise.all([
      import("../../core/catalog.ts"),
      import("../../core/codes.ts"),
    ]);
    const given = (args._ as unknown[]).map(String);
    if (given.length > 1) {
      throw usageError("give one code at most", "run `mcpproxy diagnostics codes` to list them all");
    }
    const wanted = given[0];
    if (wanted === undefined) {
      const entries = DIAGNOSTIC_CODES.map((code) => CATALOG[code]);
      printResult(ctx.out, entries, () => catalogTable(ctx.out, entries));
      return;
    }
    const code = normaliseCode(wanted);
    if (!isDiagnosticCode(code)) {
      const close = closestCodes(wanted);
      const list = "run `mcpproxy diagnostics codes` to list them all";
      throw usageError(
        `unknown code "${wanted}"`,
        close.length > 0 ? `did you mean ${close.join(", ")}? Or ${list}` : list,
      );
    }
    const entry = CATALOG[code];
    printResult(ctx.out, entry, () => entryView(ctx.out, entry));
  },
});
