// Persists telemetry.enabled for `enable` and `disable`, warns when the environment still decides, and sends
// the opt-out beacon on a real enabled → disabled change.
import type { Context } from "../../context.ts";
import type { Config } from "../../core/config-schema.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import { policyTurnsOff } from "../../core/policy.ts";
import { statusView } from "../../core/status-view.ts";
import { CliError, ExitCode } from "../../errors.ts";
import { updateConfig } from "../../io/config-store.ts";
import { printNotice } from "../../io/output.ts";
import { printStatus } from "./print-status.ts";

export async function setEnabled(ctx: Context, enabled: boolean) {
  if (enabled && policyTurnsOff(ctx.policy)) {
    // The administrator's word outranks the user's: refuse before anything is written.
    const why = whyOff({ disabledBy: "policy", envOverrideName: "", policy: ctx.policy });
    throw new CliError(
      `telemetry stays off: ${why}`,
      ExitCode.failure,
      "ask the administrator of this machine; `mcpproxy telemetry status --explain` shows every source",
    );
  }
  let before: Config = {};
  const config = await updateConfig(ctx.configPath, (current) => {
    before = current;
    return current.telemetry?.enabled === enabled ? [] : [{ path: ["telemetry", "enabled"], value: enabled }];
  });
  const decision = decideForConfig(ctx, config);
  if (enabled && decision.disabledBy === "env") {
    printNotice(
      `mcpproxy: saved telemetry.enabled = true, but telemetry stays off: ${whyOff(decision)} (the environment wins over the config)`,
    );
  }
  await printStatus(
    ctx.out,
    statusView({ config, decision, configPath: ctx.configPath, dataDir: ctx.dataDir }),
  );
  // Only a change that really turned telemetry off, read inside the lock: never when env or config had it off.
  if (!enabled && decideForConfig(ctx, before).enabled && !decision.enabled) {
    const { sendOptOutBeacon } = await import("../../opt-out-beacon.ts");
    await sendOptOutBeacon(ctx, before);
  }
}
