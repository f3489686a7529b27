// The one telemetry gate: whether telemetry is on, and why not, from one input. Every command and the daemon ask here.
import type { Config } from "./config-schema.ts";
import type { Env } from "./env.ts";

export type EnvOverrideName = "DO_NOT_TRACK" | "CI" | "MCPPROXY_TELEMETRY=false" | "";

/** Everything the decision depends on; later sources (system policy, build kind) join here. */
export interface OptOutInput {
  env: Env;
  /** `telemetry.enabled` from the config: null or absent means on. */
  configEnabled: boolean | null | undefined;
}

export interface OptOutDecision {
  enabled: boolean;
  /** The environment variable that turns telemetry off, whatever the config says. */
  envOverrideName: EnvOverrideName;
  disabledBy: "env" | "config" | "";
}

const norm = (value: string | undefined) => (value ?? "").trim().toLowerCase();

/** `CI` counts only as true or 1 (std-env-style checks would also count `CI=false`). */
export function ciIsOn(env: Env): boolean {
  const ci = norm(env.CI);
  return ci === "true" || ci === "1";
}

export function envOverride(env: Env): EnvOverrideName {
  const dnt = norm(env.DO_NOT_TRACK);
  if (dnt !== "" && dnt !== "0") return "DO_NOT_TRACK";
  if (ciIsOn(env)) return "CI";
  if (["false", "0", "off", "no"].includes(norm(env.MCPPROXY_TELEMETRY))) return "MCPPROXY_TELEMETRY=false";
  return "";
}

export function decideOptOut({ env, configEnabled }: OptOutInput): OptOutDecision {
  const envOverrideName = envOverride(env);
  if (envOverrideName) return { enabled: false, envOverrideName, disabledBy: "env" };
  if (configEnabled === false) return { enabled: false, envOverrideName, disabledBy: "config" };
  return { enabled: true, envOverrideName, disabledBy: "" };
}

/** The decision for this environment and this config: the input every command builds. */
export function decideForConfig(env: Env, config: Config): OptOutDecision {
  return decideOptOut({ env, configEnabled: config.telemetry?.enabled });
}

/** Why telemetry is off, in the user's words ("" while it is on). */
export function whyOff(decision: Pick<OptOutDecision, "disabledBy" | "envOverrideName">): string {
  if (decision.disabledBy === "env") {
    return decision.envOverrideName === "MCPPROXY_TELEMETRY=false"
      ? "MCPPROXY_TELEMETRY is set to turn it off"
      : `${decision.envOverrideName} is set`;
  }
  if (decision.disabledBy === "config") {
    return "turned off in the config; `mcpproxy telemetry enable` turns it back on";
  }
  return "";
}
