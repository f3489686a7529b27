// What `telemetry status` (and enable/disable after a change) shows, as JSON and as a table.
import type { Context } from "../../context.ts";
import type { Config } from "../../core/config-schema.ts";
import { decideOptOut, type OptOutDecision } from "../../core/optout.ts";
import { formatRows, paint, printResult } from "../../io/output.ts";

export const DEFAULT_ENDPOINT = "https://telemetry.mcpproxy.app/v1";

export function endpointOf(config: Config): string {
  const endpoint = config.telemetry?.endpoint?.trim();
  return endpoint ? endpoint : DEFAULT_ENDPOINT;
}

export function statusView(
  ctx: Context,
  config: Config,
  decision = decideOptOut(ctx.env, config.telemetry?.enabled),
) {
  return {
    enabled: decision.enabled,
    env_override: decision.envOverrideName !== "",
    env_override_name: decision.envOverrideName,
    disabled_by: decision.disabledBy,
    anonymous_id: config.telemetry?.anonymous_id ?? "",
    anonymous_id_created_at: config.telemetry?.anonymous_id_created_at ?? "",
    endpoint: endpointOf(config),
    config_path: ctx.configPath,
    data_dir: ctx.dataDir,
    notice_shown: config.telemetry?.notice_shown ?? false,
  };
}

export function offWhy(decision: Pick<OptOutDecision, "disabledBy" | "envOverrideName">): string {
  if (decision.disabledBy === "env") {
    return decision.envOverrideName === "MCPPROXY_TELEMETRY=false"
      ? "MCPPROXY_TELEMETRY is set to turn it off"
      : `${decision.envOverrideName} is set`;
  }
  return "turned off in the config; `mcpproxy telemetry enable` turns it back on";
}

export function printStatus(ctx: Context, view: ReturnType<typeof statusView>): void {
  printResult(ctx.out, view, () => {
    const state = view.enabled
      ? paint(ctx.out, 32, "on")
      : `${paint(ctx.out, 33, "off")}: ${offWhy({ disabledBy: view.disabled_by, envOverrideName: view.env_override_name })}`;
    const id = view.anonymous_id
      ? `${view.anonymous_id} (created ${view.anonymous_id_created_at || "unknown"})`
      : "none yet (made with the first payload while telemetry is on)";
    return formatRows([
      ["Telemetry", state],
      ["Anonymous id", id],
      ["Endpoint", view.endpoint],
      ["Config", view.config_path],
      ["What is sent", "mcpproxy telemetry show-payload"],
    ]);
  });
}
