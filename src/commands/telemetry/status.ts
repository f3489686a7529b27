// `mcpproxy telemetry status`: whether telemetry is on, why not, the anonymous id and the daemon; `--explain`
// shows every source of the decision.
import { defineCommand } from "../../args.ts";
import { loadContext } from "../../context.ts";
import { decideForConfig } from "../../core/optout.ts";
import { printable } from "../../core/printable.ts";
import { NO_DAEMON, statusView } from "../../core/status-view.ts";
import { globalArgs } from "../../global-args.ts";
import { readConfig } from "../../io/config-read.ts";
import { formatTable, paint, printResult } from "../../io/output.ts";

export default defineCommand({
  meta: {
    name: "status",
    description: "Show whether telemetry is on, why, the anonymous id, and the daemon",
  },
  args: {
    ...globalArgs,
    explain: {
      type: "boolean",
      description: "Show every source of the decision, in order, and which one wins",
    },
  },
  async run({ args }) {
    const ctx = await loadContext(args);
    // The code that checks the config, the daemon lookup and the views load while Bun's I/O threads read it.
    const reading = Promise.all([readConfig(ctx.configPath), import("../../io/config-store.ts")]);
    const code = Promise.all([import("../find-daemon.ts"), import("./print-status.ts")]);
    const [read, { configFrom }] = await reading;
    const { config } = await configFrom(ctx.configPath, read);
    if (args.explain) {
      const { explainDecision } = await import("../../core/explain.ts");
      const view = explainDecision({ ...ctx, config, configPath: ctx.configPath });
      await printResult(ctx.out, view, () => {
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
    // The decision is this terminal's (its environment and the policy); the daemon only says that it runs.
    const decision = decideForConfig(ctx, config);
    const [{ daemonFor }, { printStatus }] = await code;
    const found = await daemonFor(ctx, config);
    const daemon = found ? { running: true, address: found.url, pid: found.pid } : NO_DAEMON;
    const view = statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir });
    await printStatus(ctx.out, view, daemon);
  },
});
