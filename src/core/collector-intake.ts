// What the collector accepts: a schema-5 heartbeat or the opt-out beacon, judged from the body text alone.
import * as v from "valibot";
import { UUID_V4 } from "./identity.ts";
import { type Payload, PayloadSchema } from "./payload-schema.ts";
import { checkPrivacy, type PrivacySecrets } from "./privacy-gate.ts";
import { isReleaseVersion } from "./send-gates.ts";

export interface HeartbeatRow {
  kind: "heartbeat";
  day: string;
  receivedAt: string;
  version: string;
  os: string;
  arch: string;
  schemaVersion: number;
  anonymousId: string;
  /** The two small maps the report sums, as JSON text, or null when empty (most heartbeats). */
  codes: string | null;
  categories: string | null;
  /** The body exactly as it arrived: it equals what the sender's ledger recorded. */
  body: string;
}

export interface EventRow {
  kind: "event";
  day: string;
  receivedAt: string;
  event: "telemetry_disabled";
  anonymousId: string;
  body: string;
}

export type Intake =
  | { ok: true; row: HeartbeatRow | EventRow }
  | { ok: false; status: 400; error: string; field: string | null };

// The collector's host name, home and tokens say nothing about the sender's machine: only the body's own rules.
const NO_SECRETS: PrivacySecrets = { hostName: "", homeBase: "", tokens: [] };

// Shapes of common secrets, for bodies that smuggle text past the schema (a duplicate key's first value).
const TOKEN_SHAPES: ReadonlyArray<[string, RegExp]> = [
  ["github", /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/],
  ["gitlab", /\bglpat-[A-Za-z0-9_-]{20,}/],
  ["openai/anthropic", /\bsk-(?:ant-)?[A-Za-z0-9_-]{20,}/],
  ["google", /\bAIza[0-9A-Za-z_-]{30,}/],
];

const BeaconSchema = v.strictObject({
  event: v.literal("telemetry_disabled"),
  anonymous_id: v.union([v.literal(""), v.pipe(v.string(), v.regex(UUID_V4))]),
});

const mapText = (map: object | undefined) =>
  map && Object.keys(map).length > 0 ? JSON.stringify(map) : null;

const fieldOf = (issue: v.BaseIssue<unknown>) => (issue.path ?? []).map((p) => String(p.key)).join(".");

function invalid(result: { issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]] }): Intake {
  const issue = result.issues[0];
  const field = fieldOf(issue) || "(root)";
  const unknownKey = issue.type === "strict_object" && issue.expected === "never";
  return { ok: false, status: 400, error: unknownKey ? "unknown field" : issue.message, field };
}

/** Judges one body received at `now`: the row to store, or a 400 naming the field (null when not one field). */
export function judgeBody(text: string, now: Date): Intake {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: "the body is not JSON", field: null };
  }
  const receivedAt = now.toISOString();
  const day = receivedAt.slice(0, 10);
  if (parsed !== null && typeof parsed === "object" && "event" in parsed) {
    const beacon = v.safeParse(BeaconSchema, parsed);
    if (!beacon.success) return invalid(beacon);
    const anonymousId = beacon.output.anonymous_id;
    return {
      ok: true,
      row: { kind: "event", day, receivedAt, event: beacon.output.event, anonymousId, body: text },
    };
  }
  const result = v.safeParse(PayloadSchema, parsed);
  if (!result.success) return invalid(result);
  const payload: Payload = result.output;
  const block = checkPrivacy(text, parsed, NO_SECRETS);
  if (block) {
    return {
      ok: false,
      status: 400,
      error: `privacy gate: rule ${block.rule} (${block.pattern})`,
      field: null,
    };
  }
  for (const [name, shape] of TOKEN_SHAPES) {
    if (shape.test(text))
      return { ok: false, status: 400, error: `privacy gate: a ${name} token`, field: null };
  }
  if (!isReleaseVersion(payload.version)) {
    return {
      ok: false,
      status: 400,
      error: `version "${payload.version}" is not a release`,
      field: "version",
    };
  }
  return {
    ok: true,
    row: {
      kind: "heartbeat",
      day,
      receivedAt,
      version: payload.version,
      os: payload.os,
      arch: payload.arch,
      schemaVersion: payload.schema_version,
      anonymousId: payload.anonymous_id,
      codes: mapText(payload.diagnostics?.error_code_counts_24h),
      categories: mapText(payload.error_category_counts),
      body: text,
    },
  };
}
