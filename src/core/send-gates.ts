// The gates a heartbeat passes before it is sent, in order: opt-out, release version, endpoint, privacy.
import { checkPrivacy, type PrivacyBlock, type PrivacySecrets } from "./privacy-gate.ts";

export type GateName = "opted_out" | "not_a_release" | "endpoint" | "privacy";

export type GateResult =
  | { ok: true; url: string }
  /** `block` is set by the privacy gate: its rule and pattern go to the log and the blocked-sends counter. */
  | { ok: false; gate: GateName; reason: string; block?: PrivacyBlock };

export interface GateInputs {
  /** The opt-out decision, made elsewhere; `reason` names what turned telemetry off. */
  optOut: { enabled: boolean; reason: string };
  version: string;
  endpoint: string;
  /** The exact text that would be sent, and the payload it was serialised from. */
  body: string;
  payload: unknown;
  secrets: PrivacySecrets;
}

/** A release version, `v<major>.<minor>.<patch>[-pre][+build]`, as semver spells it (no leading zeros). */
const RELEASE =
  /^v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

export function isReleaseVersion(version: string): boolean {
  return RELEASE.test(version);
}

/** 127.0.0.0/8, `localhost` and `[::1]`: the URL parser has already turned `127.1` or `[0::1]` into these. */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const FIX = "set telemetry.endpoint to an https:// URL (http:// only to this machine)";

/** `<endpoint>/heartbeat`, or why the endpoint cannot be used; shared with the opt-out beacon. */
export function heartbeatUrl(endpoint: string): { ok: true; url: string } | { ok: false; reason: string } {
  const text = endpoint.trim();
  if (text === "") return { ok: false, reason: `no telemetry endpoint is set; ${FIX}` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `the telemetry endpoint "${text}" is not a URL; ${FIX}` };
  }
  if (url.username || url.password) {
    // The reason is logged: the credentials are not repeated in it.
    return { ok: false, reason: `the telemetry endpoint must not hold a user name or password; ${FIX}` };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { ok: false, reason: `the telemetry endpoint "${text}" is not https://; ${FIX}` };
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return {
      ok: false,
      reason: `the telemetry endpoint "${text}" uses plain http:// to another machine; ${FIX}`,
    };
  }
  if (url.search || url.hash) {
    return { ok: false, reason: `the telemetry endpoint "${text}" has a query or fragment; ${FIX}` };
  }
  const path = url.pathname.replace(/\/+$/, "");
  return { ok: true, url: `${url.protocol}//${url.host}${path}/heartbeat` };
}

/** The first gate that says no, with a stable name and a sentence for the user, or the URL to POST to. */
export function checkSendGates(input: GateInputs): GateResult {
  if (!input.optOut.enabled) {
    return {
      ok: false,
      gate: "opted_out",
      reason: `telemetry is off (${input.optOut.reason || "opted out"})`,
    };
  }
  if (!isReleaseVersion(input.version)) {
    return {
      ok: false,
      gate: "not_a_release",
      reason: `version "${input.version}" is not a release (v<major>.<minor>.<patch>); only releases send`,
    };
  }
  const target = heartbeatUrl(input.endpoint);
  if (!target.ok) return { ok: false, gate: "endpoint", reason: target.reason };
  const block = checkPrivacy(input.body, input.payload, input.secrets);
  if (block) {
    return {
      ok: false,
      gate: "privacy",
      reason: `the privacy gate blocked the heartbeat (rule ${block.rule}, pattern ${block.pattern})`,
      block,
    };
  }
  return { ok: true, url: target.url };
}
