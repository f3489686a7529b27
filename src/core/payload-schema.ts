// The heartbeat payload, schema 5: one valibot schema is its type, its check and its JSON Schema.
import * as v from "valibot";
import { DIAGNOSTIC_CODES } from "./codes.ts";
import { UUID_V4 } from "./identity.ts";
import {
  BUILTIN_TOOLS,
  CALL_BUCKETS,
  DOCKER_CLI_SOURCES,
  DOCTOR_CHECK_NAME,
  ENV_KINDS,
  ERROR_CATEGORIES,
  LAUNCH_SOURCES,
  OAUTH_PROVIDERS,
  PROTOCOLS,
  REST_ROUTES,
  ROUTING_MODES,
  STARTUP_OUTCOMES,
  STATUS_CLASSES,
  SURFACES,
} from "./payload-values.ts";
import { VERSION } from "./version-pattern.ts";

export * from "./payload-values.ts";
export { VERSION } from "./version-pattern.ts";

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
// One node for every optional count: schemas are only read, and each node costs start-up time in the interpreter.
const optionalCount = v.optional(count);
/** An object whose keys may only come from `keys`, each a count; all of them present. */
const allCounts = <const K extends readonly string[]>(keys: K) =>
  v.strictObject(Object.fromEntries(keys.map((k) => [k, count])) as { [P in K[number]]: typeof count });
/** An object whose keys may only come from `keys`, each a count, any of them absent. */
const someCounts = <const K extends readonly string[]>(keys: K) =>
  v.strictObject(
    Object.fromEntries(keys.map((k) => [k, optionalCount])) as { [P in K[number]]: typeof optionalCount },
  );

const optionalStatusCounts = v.optional(someCounts(STATUS_CLASSES));
const uuid = v.pipe(v.string(), v.regex(UUID_V4));
const timestamp = v.pipe(v.string(), v.isoTimestamp());

export const PayloadSchema = v.strictObject({
  anonymous_id: v.union([v.literal(""), uuid]),
  version: v.pipe(v.string(), v.regex(VERSION)),
  edition: v.literal("personal"),
  os: v.pipe(v.string(), v.regex(/^[a-z0-9]+$/)),
  arch: v.pipe(v.string(), v.regex(/^[a-z0-9]+$/)),
  runtime_version: v.pipe(v.string(), v.regex(/^(?:bun|deno|node) [0-9A-Za-z.+-]+$/)),
  server_count: count,
  connected_server_count: count,
  tool_count: count,
  uptime_hours: count,
  routing_mode: v.picklist(ROUTING_MODES),
  quarantine_enabled: v.boolean(),
  timestamp,
  schema_version: v.literal(5),
  anonymous_id_created_at: v.union([v.literal(""), timestamp]),
  current_version: v.pipe(v.string(), v.regex(VERSION)),
  previous_version: v.union([v.literal(""), v.pipe(v.string(), v.regex(VERSION))]),
  last_startup_outcome: v.optional(v.picklist(STARTUP_OUTCOMES)),
  surface_requests: allCounts(SURFACES),
  builtin_tool_calls: someCounts(BUILTIN_TOOLS),
  upstream_tool_call_count_bucket: v.picklist(CALL_BUCKETS),
  rest_endpoint_calls: v.strictObject(
    Object.fromEntries(REST_ROUTES.map((r) => [r, optionalStatusCounts])) as {
      [P in (typeof REST_ROUTES)[number]]: typeof optionalStatusCounts;
    },
  ),
  feature_flags: v.strictObject({
    enable_socket: v.boolean(),
    enable_web_ui: v.boolean(),
    enable_prompts: v.boolean(),
    require_mcp_auth: v.boolean(),
    enable_code_execution: v.boolean(),
    quarantine_enabled: v.boolean(),
    sensitive_data_detection_enabled: v.boolean(),
    oauth_provider_types: v.array(v.picklist(OAUTH_PROVIDERS)),
    docker_available: v.boolean(),
    docker_isolation_enabled: v.boolean(),
    docker_cli_source: v.picklist(DOCKER_CLI_SOURCES),
  }),
  error_category_counts: someCounts(ERROR_CATEGORIES),
  doctor_checks: v.record(
    v.pipe(v.string(), v.regex(DOCTOR_CHECK_NAME)),
    v.strictObject({ pass: count, fail: count }),
  ),
  server_protocol_counts: allCounts(PROTOCOLS),
  server_docker_isolated_count: count,
  env_kind: v.picklist(ENV_KINDS),
  env_markers: v.strictObject({
    has_ci_env: v.boolean(),
    has_cloud_ide_env: v.boolean(),
    is_container: v.boolean(),
    has_tty: v.boolean(),
    has_display: v.boolean(),
  }),
  launch_source: v.picklist(LAUNCH_SOURCES),
  autostart_enabled: v.null(),
  diagnostics: v.optional(v.strictObject({ error_code_counts_24h: someCounts(DIAGNOSTIC_CODES) })),
});

export type Payload = v.InferOutput<typeof PayloadSchema>;
export type EnvMarkers = Payload["env_markers"];
