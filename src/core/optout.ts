// The one telemetry gate: whether telemetry is on, and why not, from one input. Every command and the daemon ask here.
import type { Config } from "./config-schema.ts";
import type { Env } from "./env.ts";
import { type Policy, policyTurnsOff } from "./policy.ts";

export type EnvOverrideName = "DO_NOT_TRACK" | "CI" | "MCPPROXY_TELEMETRY=false" | "";

/** Everything the decision depends on, highest first: the system policy, the environment, the config. */
export interface OptOutInput {
  env: Env;
  /** `telemetry.enabled` from the config: null or absent means on. */
  configEnabled: boolean | null | undefined;
  /** The administrator's policy file, as read (absent when there is none). */
  policy?: Policy;
}

export interface OptOutDecision {
  enabled: boolean;
  /** The environment variable that turns telemetry off, whatever the config says. */
  envOverrideName: EnvOverrideName;
  disabledBy: "policy" | "env" | "config" | "";
  /** Set when the policy decided: which file, and what was wrong with it when it was invalid. */
  policy?: Policy;
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

export function decideOptOut({ env, configEnabled, policy }: OptOutInput): OptOutDecision {
  const envOverrideName = envOverride(env);
  if (policyTurnsOff(policy)) return { enabled: false, envOverrideName, disabledBy: "policy", policy };
  if (envOverrideName) return { enabled: false, envOverrideName, disabledBy: "env" };
  if (configEnabled === false) return { enabled: false, envOverrideName, disabledBy: "config" };
  return { enabled: true, envOverrideName, disabledBy: "" };
}

/** The decision for this machine (environment and policy) and this config: the input every command builds. */
export function decideForConfig(machine: { env: Env; policy?: Policy }, config: Config): OptOutDecision {
  return decideOptOut({ env: machine.env, policy: machine.policy, configEnabled: config.telemetry?.enabled });
}

/** Why telemetry is off, in the user's words ("" while it is on). */
export function whyOff(decision: Pick<OptOutDecision, "disabledBy" | "envOverrideName" | "policy">): string {
  if (decision.disabledBy === "policy") {
    const policy = decision.policy;
    return policy?.state === "invalid"
      ? `the system policy ${policy.path} cannot be used (${policy.problem}), so telemetry stays off`
      : `turned off by the system policy ${policy?.path ?? ""}`.trimEnd();
  }
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
