// `status --explain`: every source of the telemetry decision in precedence order, its value here, and the winner.
import type { Config } from "./config-schema.ts";
import type { Env } from "./env.ts";
import { ciIsOn, decideForConfig, envOverride } from "./optout.ts";
import { type Policy, policyTurnsOff } from "./policy.ts";
import { isReleaseVersion } from "./send-gates.ts";

export interface ExplainInput {
  env: Env;
  policy: Policy;
  config: Config;
  configPath: string;
  version: string;
}

export interface ExplainedSource {
  name: string;
  /** What this source holds here, in words ("not set", `"1"`, `false in /path`). */
  value: string;
  /** Whether this source, alone, turns telemetry off (or, for the build, stops sending). */
  turnsOff: boolean;
  /** The source that decides: the first that turns it off, in this order. */
  wins: boolean;
}

const shown = (value: string | undefined) => (value === undefined ? "not set" : JSON.stringify(value));

function policyValue(policy: Policy): string {
  if (policy.state === "absent") return `no file at ${policy.path}`;
  if (policy.state === "invalid") return `${policy.path} cannot be used (${policy.problem}): counts as off`;
  return `"${policy.state}" in ${policy.path}`;
}

export function explainDecision({ env, policy, config, configPath, version }: ExplainInput) {
  const decision = decideForConfig({ env, policy }, config);
  const dnt = (env.DO_NOT_TRACK ?? "").trim();
  const mt = (env.MCPPROXY_TELEMETRY ?? "").trim().toLowerCase();
  const enabled = config.telemetry?.enabled;
  const release = isReleaseVersion(version);
  const noticeShown = config.telemetry?.notice_shown === true;
  const sources: Array<Omit<ExplainedSource, "wins">> = [
    { name: "system policy", value: policyValue(policy), turnsOff: policyTurnsOff(policy) },
    { name: "DO_NOT_TRACK", value: shown(env.DO_NOT_TRACK), turnsOff: dnt !== "" && dnt !== "0" },
    { name: "CI", value: shown(env.CI), turnsOff: ciIsOn(env) },
    {
      name: "MCPPROXY_TELEMETRY",
      value: shown(env.MCPPROXY_TELEMETRY),
      turnsOff: ["false", "0", "off", "no"].includes(mt),
    },
    {
      name: "config file",
      value: `telemetry.enabled is ${enabled === undefined ? "not set" : String(enabled)} in ${configPath}`,
      turnsOff: enabled === false,
    },
    {
      name: "build",
      value: release ? `${version}, a release` : `${version}, not a release: it never sends`,
      turnsOff: !release,
    },
    {
      name: "first-run notice",
      value: noticeShown ? "shown" : "not shown yet: it is printed before the first heartbeat leaves",
      turnsOff: false,
    },
  ];
  // The opt-out sources decide in order; the build only stops sending when nothing before it did.
  const winner = decision.enabled ? (release ? "" : "build") : sources.find((s) => s.turnsOff)?.name;
  return {
    enabled: decision.enabled,
    sends: decision.enabled && release,
    decided_by: winner || "default (on)",
    env_override_name: envOverride(env),
    sources: sources.map((s) => ({ ...s, wins: s.name === winner })),
  };
}

export type Explanation = ReturnType<typeof explainDecision>;
