// Persists telemetry.enabled for `enable` and `disable`, warns when the environment still decides, and sends
// the opt-out beacon on a real enabled → disabled change.
import type { Context } from "../../context.ts";
import type { Config } from "../../core/config-schema.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import { statusView } from "../../core/status-view.ts";
import { updateConfig } from "../../io/config-store.ts";
import { printNotice } from "../../io/output.ts";
import { printStatus } from "./print-status.ts";

export async function setEnabled(ctx: Context, enabled: boolean) {
  let before: Config = {};
  const config = await updateConfig(ctx.configPath, (current) => {
    before = current;
    return current.telemetry?.enabled === enabled ? [] : [{ path: ["telemetry", "enabled"], value: enabled }];
  });
  const decision = decideForConfig(ctx.env, config);
  if (enabled && decision.disabledBy === "env") {
    printNotice(
      `mcpproxy: saved telemetry.enabled = true, but telemetry stays off: ${whyOff(decision)} (the environment wins over the config)`,
    );
  }
  printStatus(ctx.out, statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir }));
  // Only a change that really turned telemetry off, read inside the lock: never when env or config had it off.
  if (!enabled && decideForConfig(ctx.env, before).enabled && !decision.enabled) {
    const { sendOptOutBeacon } = await import("../../opt-out-beacon.ts");
    await sendOptOutBeacon(ctx, before);
  }
}
