// `mcpproxy telemetry diff`: how the next heartbeat differs from the last one a collector accepted.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { lastAccepted } from "../../core/ledger.ts";
import { diffPayloads } from "../../core/payload-diff.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { readLedger } from "../../io/ledger-store.ts";
import { printResult } from "../../io/output.ts";
import { nextPayload } from "./next-payload.ts";

const shown = (value: unknown) => JSON.stringify(value);

export default defineCommand({
  meta: {
    name: "diff",
    description: "Show how the next heartbeat differs from the last one sent (counters as deltas)",
  },
  args: globalArgs,
  async run({ args }) {
    const ctx = await loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    const { ledger } = await readLedger(ctx.dataDir);
    const last = lastAccepted(ledger);
    const { payload } = await nextPayload(ctx, config);
    let previous: unknown = {};
    if (last) {
      try {
        previous = JSON.parse(last.body);
      } catch {
        throw new CliError(
          `ledger entry #${last.seq} does not hold JSON`,
          ExitCode.failure,
          "see `mcpproxy telemetry log`",
        );
      }
    }
    const diff = diffPayloads(previous, payload);
    const view = { since: last ? { seq: last.seq, time: last.time } : null, ...diff };
    await printResult(ctx.out, view, () => {
      // Only payload values reach this view: fixed enums, numbers and our own ids, nothing from the config.
      const lines = [
        last
          ? `since #${last.seq} (${last.time}):`
          : "nothing was accepted yet; the whole next heartbeat is new:",
      ];
      for (const a of diff.added) lines.push(`+ ${a.path} = ${shown(a.value)}`);
      for (const r of diff.removed) lines.push(`- ${r.path} (was ${shown(r.value)})`);
      for (const c of diff.changed) {
        const delta = c.delta === undefined ? "" : ` (${c.delta > 0 ? "+" : ""}${c.delta})`;
        lines.push(`~ ${c.path}: ${shown(c.from)} → ${shown(c.to)}${delta}`);
      }
      if (lines.length === 1) lines.push("no change");
      return lines.join("\n");
    });
  },
});
