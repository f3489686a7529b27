// `mcpproxy diagnostics codes [CODE]`: the catalog as a table, or one entry in full.
import { defineCommand } from "../../args.ts";
import type { CatalogEntry } from "../../core/catalog.ts";
import { DIAGNOSTIC_CODES } from "../../core/codes.ts";
import { usageError } from "../../errors.ts";
import { globalArgs, outputFrom } from "../../global-args.ts";
import type { Output } from "../../io/output.ts";
import { formatTable, paint, printResult } from "../../io/output.ts";
import { entryView, SEVERITY_COLOUR } from "./entry-view.ts";

// The table's message column: the first sentence is enough to pick a code.
const firstSentence = (text: string) => /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;

function catalogTable(out: Output, entries: CatalogEntry[]): string {
  const rows = entries.map((e) => [
    e.code,
    paint(out, SEVERITY_COLOUR[e.severity], e.severity),
    firstSentence(e.user_message),
  ]);
  return formatTable([["CODE", "LEVEL", "MESSAGE"], ...rows]);
}

export default defineCommand({
  meta: { name: "codes", description: "List the diagnostic codes, or show one code's entry in full" },
  args: {
    ...globalArgs,
    code: {
      type: "positional",
      required: false,
      // Offered on TAB; run() also takes a code without its prefix, in any case.
      options: [...DIAGNOSTIC_CODES],
      description: "A code, e.g. MCPX_HTTP_401 (prefix optional)",
    },
  },
  async run({ args }) {
    // The catalog is built in: no file is read, not even the policy.
    const ctx = { out: outputFrom(args) };
    const [{ CATALOG, closestCodes }, { isDiagnosticCode, normaliseCodeName }] = await Promise.all([
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
      await printResult(ctx.out, entries, () => catalogTable(ctx.out, entries));
      return;
    }
    const code = normaliseCodeName(wanted);
    if (!isDiagnosticCode(code)) {
      const close = closestCodes(wanted);
      const list = "run `mcpproxy diagnostics codes` to list them all";
      throw usageError(
        `unknown code "${wanted}"`,
        close.length > 0 ? `did you mean ${close.join(", ")}? Or ${list}` : list,
      );
    }
    const entry = CATALOG[code];
    await printResult(ctx.out, entry, () => entryView(ctx.out, entry));
  },
});
