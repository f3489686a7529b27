// Builds the schema-5 heartbeat from values: config, identity, platform, facts and counts.
import * as v from "valibot";
import type { Config } from "./config-schema.ts";
import { envKind } from "./environment.ts";
import { formatRfc3339, type Identity, parseRfc3339 } from "./identity.ts";
import {
  type DockerCliSource,
  type EnvMarkers,
  type LAUNCH_SOURCES,
  type Payload,
  PayloadSchema,
  ROUTING_MODES,
  STARTUP_OUTCOMES,
  VERSION,
} from "./payload-schema.ts";
import { serverFacts } from "./servers.ts";
import { callCountBucket, type Usage } from "./usage.ts";

export interface PayloadInputs {
  config: Config;
  /** null while telemetry is off or before an id exists. */
  identity: Identity | null;
  version: string;
  os: string;
  arch: string;
  runtimeVersion: string;
  now: Date;
  uptimeHours: number;
  docker: { available: boolean; source: DockerCliSource };
  markers: EnvMarkers;
  platform: string;
  launchSource: (typeof LAUNCH_SOURCES)[number];
  /** The outcome kept in the data dir wins over the config's (a broken config cannot be written). */
  startupOutcome?: string | null;
  usage: Usage;
}

const oneOf = <T extends string>(list: readonly T[], value: unknown): T | undefined =>
  list.includes(value as T) ? (value as T) : undefined;

export function buildPayload(input: PayloadInputs): Payload {
  const { config, usage } = input;
  const telemetry = config.telemetry ?? {};
  const servers = serverFacts(config);
  const quarantine = config.quarantine_enabled ?? true;
  const outcome = oneOf(STARTUP_OUTCOMES, input.startupOutcome ?? telemetry.last_startup_outcome);
  const previous = telemetry.last_reported_version ?? "";
  // Normalised to UTC seconds, so neither an odd spelling nor the user's time zone is sent.
  const created = parseRfc3339(input.identity?.createdAt ?? "");
  const createdAt = created ? formatRfc3339(created) : "";
  const codes = Object.fromEntries(
    Object.entries(usage.error_code_counts_24h).filter(([, n]) => (n ?? 0) > 0),
  );
  return {
    anonymous_id: input.identity?.id ?? "",
    version: input.version,
    edition: "personal",
    os: input.os,
    arch: input.arch,
    runtime_version: input.runtimeVersion,
    server_count: servers.serverCount,
    connected_server_count: 0,
    tool_count: 0,
    uptime_hours: Math.max(0, Math.floor(input.uptimeHours)),
    // An unknown mode (a newer Go edition's, or a typo) is reported as the default, never as text.
    routing_mode: oneOf(ROUTING_MODES, config.routing_mode) ?? "retrieve_tools",
    quarantine_enabled: quarantine,
    timestamp: formatRfc3339(input.now),
    schema_version: 5,
    anonymous_id_created_at: createdAt,
    current_version: input.version,
    // Only a version we could have written: a hand-edited value never leaves the machine.
    previous_version: VERSION.test(previous) ? previous : "",
    ...(outcome ? { last_startup_outcome: outcome } : {}),
    surface_requests: usage.surface_requests,
    builtin_tool_calls: usage.builtin_tool_calls,
    upstream_tool_call_count_bucket: callCountBucket(usage.upstream_tool_calls),
    rest_endpoint_calls: usage.rest_endpoint_calls,
    feature_flags: {
      enable_socket: config.enable_socket ?? false,
      enable_web_ui: config.features?.enable_web_ui ?? false,
      enable_prompts: config.enable_prompts ?? false,
      require_mcp_auth: config.require_mcp_auth ?? false,
      enable_code_execution: config.enable_code_execution ?? false,
      quarantine_enabled: quarantine,
      sensitive_data_detection_enabled: config.sensitive_data_detection?.enabled ?? false,
      oauth_provider_types: servers.oauthProviderTypes,
      docker_available: input.docker.available,
      docker_isolation_enabled: config.docker_isolation?.enabled ?? false,
      docker_cli_source: input.docker.source,
    },
    error_category_counts: Object.fromEntries(
      Object.entries(usage.error_category_counts).filter(([, n]) => (n ?? 0) > 0),
    ),
    doctor_checks: usage.doctor_checks,
    server_protocol_counts: servers.protocolCounts,
    server_docker_isolated_count: servers.dockerIsolatedCount,
    env_kind: envKind(input.markers, input.platform),
    env_markers: input.markers,
    launch_source: input.launchSource,
    autostart_enabled: null,
    ...(Object.keys(codes).length > 0 ? { diagnostics: { error_code_counts_24h: codes } } : {}),
  };
}

/** The first way a payload breaks its schema, as `path: message`, or "" when it is valid. */
export function payloadProblem(payload: unknown): string {
  const result = v.safeParse(PayloadSchema, payload);
  if (result.success) return "";
  const issue = result.issues[0];
  const path = (issue.path ?? []).map((p) => String(p.key)).join(".");
  return `${path || "(root)"}: ${issue.message}`;
}

/** The exact bytes a heartbeat is sent as, and `show-payload` prints: one serializer for both. */
export function payloadBody(payload: Payload): string {
  return `${JSON.stringify(payload, null, 2)}\n`;
}
