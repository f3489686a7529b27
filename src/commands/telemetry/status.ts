// `mcpproxy telemetry status`: whether telemetry is on, why not, and the anonymous id.
import { defineCommand } from "citty";
import { loadContext } from "../../context.ts";
import { loadConfig } from "../../io/config-store.ts";
import { globalArgs } from "../global-args.ts";
import { printStatus, statusView } from "./status-view.ts";

export default defineCommand({
  meta: { name: "status", description: "Show whether telemetry is on, why, and the anonymous id" },
  args: globalArgs,
  async run({ args }) {
    const ctx = loadContext(args);
    const { config } = await loadConfig(ctx.configPath);
    printStatus(ctx, statusView(ctx, config));
  },
});
