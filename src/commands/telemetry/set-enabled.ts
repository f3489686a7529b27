// Persists telemetry.enabled for `enable` and `disable`, and warns when the environment still decides.
import type { Context } from "../../context.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import { statusView } from "../../core/status-view.ts";
import { updateConfig } from "../../io/config-store.ts";
import { printNotice } from "../../io/output.ts";
import { printStatus } from "./print-status.ts";

export async function setEnabled(ctx: Context, enabled: boolean) {
  const config = await updateConfig(ctx.configPath, (current) =>
    current.telemetry?.enabled === enabled ? [] : [{ path: ["telemetry", "enabled"], value: enabled }],
  );
  const decision = decideForConfig(ctx.env, config);
  if (enabled && decision.disabledBy === "env") {
    printNotice(
      `mcpproxy: saved telemetry.enabled = true, but telemetry stays off: ${whyOff(decision)} (the environment wins over the config)`,
    );
  }
  printStatus(ctx.out, statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir }));
}
