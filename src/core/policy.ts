// The administrator's system policy: where it lives, what it may say, and what a file that says it means.
import type { Env } from "./env.ts";

// `off` wins over everything; `user` leaves the choice to each user. A policy can never force telemetry on.
export const POLICY_VALUES = ["off", "user"] as const;

export type Policy =
  | { state: "absent"; path: string }
  | { state: "off" | "user"; path: string }
  | { state: "invalid"; path: string; problem: string };

/** `MCPPROXY_POLICY_FILE`, else `/etc/mcpproxy/policy.json`, or `%ProgramData%\mcpproxy\policy.json` on Windows. */
export function policyPath(env: Env, platform: string): string {
  const override = env.MCPPROXY_POLICY_FILE?.trim();
  if (override) return override;
  if (platform === "win32")
    return `${env.ProgramData || env.PROGRAMDATA || "C:\\ProgramData"}\\mcpproxy\\policy.json`;
  return "/etc/mcpproxy/policy.json";
}

/** What a policy file's text means. Anything it cannot say for sure is invalid, and invalid means off. */
export function parsePolicy(path: string, text: string): Policy {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { state: "invalid", path, problem: "it is not valid JSON" };
  }
  // Checked by hand, not by a valibot schema: every command reads the policy, and valibot loads in ~1 ms.
  const problem = policyProblem(doc);
  if (problem) return { state: "invalid", path, problem };
  return { state: (doc as { telemetry: (typeof POLICY_VALUES)[number] }).telemetry, path };
}

/** What is wrong with a parsed policy, or "" when it is exactly {"telemetry": "off" | "user"}. */
function policyProblem(doc: unknown): string {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return `it must be an object like {"telemetry": "off"}`;
  }
  const unknown = Object.keys(doc).find((key) => key !== "telemetry");
  if (unknown !== undefined) return `it has a key this version does not know: "${unknown}"`;
  const value = (doc as { telemetry?: unknown }).telemetry;
  return POLICY_VALUES.some((allowed) => allowed === value) ? "" : `"telemetry" must be "off" or "user"`;
}

/** Does the policy turn telemetry off? A file we cannot read or trust does (fail closed). */
export function policyTurnsOff(policy: Policy | undefined): boolean {
  return policy !== undefined && (policy.state === "off" || policy.state === "invalid");
}
