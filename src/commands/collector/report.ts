// `mcpproxy collector report`: the stored fleet over a window, as tables or --json.

import { existsSync } from "node:fs";
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { reportText, windowStart } from "../../core/collector-report.ts";
import { parseDuration } from "../../core/duration.ts";
import { CliError, ExitCode, usageError } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { formatTable, printResult } from "../../io/output.ts";

const HINT = "run `mcpproxy collector report --help` for usage";

export default defineCommand({
  meta: {
    name: "report",
    description: "Summarise the heartbeats a collector stored: installs, versions, codes, Docker",
  },
  args: {
    ...globalArgs,
    db: { type: "string", valueHint: "file", description: "The collector's SQLite database file" },
    since: {
      type: "string",
      valueHint: "duration",
      default: "30d",
      description: "The window, ending today (e.g. 7d, 30d)",
    },
  },
  async run({ args }) {
    if (!args.db) throw usageError("--db is required: the collector's SQLite file", HINT);
    const ms = parseDuration(args.since);
    if (ms === null || ms <= 0)
      throw usageError(`--since must be a duration such as 7d or 30d, got "${args.since}"`, HINT);
    // Opening a missing file would create an empty database: say so instead.
    if (!existsSync(args.db)) {
      throw new CliError(
        `no database at ${args.db}`,
        ExitCode.failure,
        "give the file `mcpproxy collector --db` writes",
      );
    }
    const ctx = await loadContext(args);
    const { openCollectorDb } = await import("../../io/collector-db.ts");
    let report: ReturnType<ReturnType<typeof openCollectorDb>["report"]>;
    try {
      const db = openCollectorDb(args.db, { readOnly: true });
      report = db.report(windowStart(ctx.now(), ms), args.since);
      db.close();
    } catch (error) {
      throw new CliError(
        `cannot read ${args.db}: ${(error as Error).message}`,
        ExitCode.failure,
        "is it a collector database?",
      );
    }
    await printResult(ctx.out, report, () => reportText(report, formatTable));
  },
});
