// `mcpproxy telemetry status`: whether telemetry is on, why not, and the anonymous id.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { decideForConfig } from "../../core/optout.ts";
import { statusView } from "../../core/status-view.ts";
import { globalArgs } from "../../global-args.ts";
import { loadConfig } from "../../io/config-store.ts";
import { printStatus } from "./print-status.ts";

export default defineCommand({
  meta: { name: "status", description: "Show whether telemetry is on, why, and the anonymous id" },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    const decision = decideForConfig(ctx.env, config);
    printStatus(ctx.out, statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir }));
  },
});
