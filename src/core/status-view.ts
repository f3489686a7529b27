// What `telemetry status` shows (and the daemon serves): the decision, the id and where things live.
import type { Config } from "./config-schema.ts";
import { endpointOf } from "./endpoint.ts";
import type { OptOutDecision } from "./optout.ts";

export interface StatusInput {
  config: Config;
  decision: OptOutDecision;
  configPath: string;
  dataDir: string;
}

export function statusView({ config, decision, configPath, dataDir }: StatusInput) {
  return {
    enabled: decision.enabled,
    env_override: decision.envOverrideName !== "",
    env_override_name: decision.envOverrideName,
    disabled_by: decision.disabledBy,
    anonymous_id: config.telemetry?.anonymous_id ?? "",
    anonymous_id_created_at: config.telemetry?.anonymous_id_created_at ?? "",
    endpoint: endpointOf(config),
    config_path: configPath,
    data_dir: dataDir,
    notice_shown: config.telemetry?.notice_shown ?? false,
    // Which policy decided, and why it could not be used when it was invalid; absent while no policy did.
    ...(decision.policy ? { policy: decision.policy } : {}),
  };
}

export type StatusView = ReturnType<typeof statusView>;

/** The `daemon` part of `telemetry status`. */
export interface DaemonView {
  running: boolean;
  address: string;
  pid: number | null;
}

export const NO_DAEMON: DaemonView = { running: false, address: "", pid: null };
