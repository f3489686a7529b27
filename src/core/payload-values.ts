// The payload's fixed words (enum values, route templates): their own module, so code that only names them
// (the server counts, the startup record) does not load valibot and build the payload schema.

export const SURFACES = ["mcp", "cli", "webui", "tray", "unknown"] as const;
export const BUILTIN_TOOLS = [
  "retrieve_tools",
  "call_tool_read",
  "call_tool_write",
  "call_tool_destructive",
  "upstream_servers",
  "quarantine_security",
  "code_execution",
] as const;
export const ERROR_CATEGORIES = [
  "oauth_refresh_failed",
  "oauth_token_expired",
  "upstream_connect_timeout",
  "upstream_connect_refused",
  "upstream_handshake_failed",
  "tool_quarantine_blocked",
  "docker_pull_failed",
  "docker_run_failed",
  "index_rebuild_failed",
  "config_reload_failed",
  "socket_bind_failed",
] as const;
export const CALL_BUCKETS = ["0", "1-10", "11-100", "101-1000", "1000+"] as const;
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export const STARTUP_OUTCOMES = [
  "success",
  "port_conflict",
  "db_locked",
  "config_error",
  "permission_error",
  "other_error",
] as const;
export const ROUTING_MODES = ["retrieve_tools", "direct", "code_execution"] as const;
export const OAUTH_PROVIDERS = ["google", "github", "microsoft", "generic"] as const;
export const DOCKER_CLI_SOURCES = ["path", "bundled", "login_shell", "absent"] as const;
export const PROTOCOLS = ["stdio", "http", "sse", "streamable_http", "auto"] as const;
export const ENV_KINDS = ["interactive", "ci", "cloud_ide", "container", "headless", "unknown"] as const;
export const LAUNCH_SOURCES = ["installer", "tray", "cli", "unknown"] as const;
export const DOCTOR_CHECK_NAME = /^[a-z_][a-z0-9_]*$/;
/** The daemon's route templates (payload.md, "API"); anything else is counted as UNMATCHED, never by path. */
export const REST_ROUTES = [
  "GET /api/v1/status",
  "GET /api/v1/telemetry/status",
  "GET /api/v1/telemetry/payload",
  "POST /api/v1/telemetry/heartbeat",
  "POST /api/v1/telemetry/events",
  "POST /api/v1/diagnostics/classify",
  "GET /api/v1/diagnostics/codes",
  "GET /api/v1/diagnostics/codes/{code}",
  "GET /api/v1/docker/source",
  "UNMATCHED",
] as const;

export type Surface = (typeof SURFACES)[number];
export type BuiltinTool = (typeof BUILTIN_TOOLS)[number];
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];
export type StartupOutcome = (typeof STARTUP_OUTCOMES)[number];
export type DockerCliSource = (typeof DOCKER_CLI_SOURCES)[number];
