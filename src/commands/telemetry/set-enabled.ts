// Persists telemetry.enabled for `enable` and `disable`, and warns when the environment still decides.
import type { Context } from "../../context.ts";
import { decideOptOut } from "../../core/optout.ts";
import { updateConfig } from "../../io/config-store.ts";
import { printNotice } from "../../io/output.ts";
import { offWhy, printStatus, statusView } from "./status-view.ts";

export async function setEnabled(ctx: Context, enabled: boolean) {
  const config = await updateConfig(ctx.configPath, (current) =>
    current.telemetry?.enabled === enabled ? [] : [{ path: ["telemetry", "enabled"], value: enabled }],
  );
  const decision = decideOptOut(ctx.env, config.telemetry?.enabled);
  if (enabled && decision.disabledBy === "env") {
    printNotice(
      `mcpproxy: saved telemetry.enabled = true, but telemetry stays off: ${offWhy(decision)} (the environment wins over the config)`,
    );
  }
  printStatus(ctx, statusView(ctx, config, decision));
}
