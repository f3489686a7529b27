// The opt-out decision: environment over config over default. Every command and the daemon ask here.
import type { Env } from "./env.ts";

export type EnvOverrideName = "DO_NOT_TRACK" | "CI" | "MCPPROXY_TELEMETRY=false" | "";

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

export function decideOptOut(env: Env, configEnabled: boolean | null | undefined): OptOutDecision {
  const envOverrideName = envOverride(env);
  if (envOverrideName) return { enabled: false, envOverrideName, disabledBy: "env" };
  if (configEnabled === false) return { enabled: false, envOverrideName, disabledBy: "config" };
  return { enabled: true, envOverrideName, disabledBy: "" };
}

/** The one word `status` shows for why telemetry is off. */
export function offReason(decision: OptOutDecision): string {
  if (decision.disabledBy === "env") return decision.envOverrideName;
  return decision.disabledBy === "config" ? "config" : "";
}
