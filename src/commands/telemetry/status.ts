// `mcpproxy telemetry status`: whether telemetry is on, why not, the anonymous id, and whether a daemon runs.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { NO_DAEMON } from "../../core/daemon-info.ts";
import { decideForConfig } from "../../core/optout.ts";
import { statusView } from "../../core/status-view.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { daemonFor } from "../find-daemon.ts";
import { printStatus } from "./print-status.ts";

export default defineCommand({
  meta: {
    name: "status",
    description: "Show whether telemetry is on, why, the anonymous id, and the daemon",
  },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    // The decision is this terminal's (its environment); the daemon only says that it runs.
    const decision = decideForConfig(ctx.env, config);
    const found = await daemonFor(ctx, config);
    const daemon = found ? { running: true, address: found.url, pid: found.pid } : NO_DAEMON;
    const view = statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir });
    printStatus(ctx.out, view, daemon);
  },
});
