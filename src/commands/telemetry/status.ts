// `mcpproxy telemetry status`: whether telemetry is on, why not, and the anonymous id; `--explain` shows every source.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { decideForConfig } from "../../core/optout.ts";
import { printable } from "../../core/printable.ts";
import { statusView } from "../../core/status-view.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { formatTable, paint, printResult } from "../../io/output.ts";
import { printStatus } from "./print-status.ts";

export default defineCommand({
  meta: { name: "status", description: "Show whether telemetry is on, why, and the anonymous id" },
  args: {
    ...globalArgs,
    explain: {
      type: "boolean",
      description: "Show every source of the decision, in order, and which one wins",
    },
  },
  async run({ args }) {
    const ctx = loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    if (args.explain) {
      const { explainDecision } = await import("../../core/explain.ts");
      const view = explainDecision({ ...ctx, config, configPath: ctx.configPath });
      printResult(ctx.out, view, () => {
        const rows = view.sources.map((s) => [
          s.wins ? paint(ctx.out, 1, "→") : "",
          s.name,
          // Environment values and paths are the user's text: escaped before they reach the terminal.
          printable(s.value),
          s.turnsOff ? (s.name === "build" ? "never sends" : "turns it off") : "",
        ]);
        const verdict = view.enabled
          ? `telemetry is on${view.sends ? "" : ", but this build never sends"}`
          : `telemetry is off: ${view.decided_by} decides`;
        return `${formatTable([["", "SOURCE", "VALUE", "EFFECT"], ...rows])}\n\n${verdict}`;
      });
      return;
    }
    const decision = decideForConfig(ctx, config);
    printStatus(ctx.out, statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir }));
  },
});
