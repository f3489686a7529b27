// The stable MCPX_* codes (diagnostics.md). Once shipped, never renamed.

export const DIAGNOSTIC_CODES = [
  "MCPX_STDIO_SPAWN_ENOENT",
  "MCPX_STDIO_SPAWN_EACCES",
  "MCPX_STDIO_SPAWN_EXEC_FORMAT",
  "MCPX_STDIO_EXIT_NONZERO",
  "MCPX_STDIO_EXIT_BEFORE_INITIALIZE",
  "MCPX_STDIO_HANDSHAKE_TIMEOUT",
  "MCPX_STDIO_HANDSHAKE_INVALID",
  "MCPX_OAUTH_LOGIN_REQUIRED",
  "MCPX_OAUTH_REAUTH_REQUIRED",
  "MCPX_OAUTH_REFRESH_EXPIRED",
  "MCPX_OAUTH_REFRESH_403",
  "MCPX_OAUTH_DISCOVERY_FAILED",
  "MCPX_OAUTH_CALLBACK_TIMEOUT",
  "MCPX_OAUTH_CALLBACK_MISMATCH",
  "MCPX_HTTP_DNS_FAILED",
  "MCPX_HTTP_TLS_FAILED",
  "MCPX_HTTP_401",
  "MCPX_HTTP_403",
  "MCPX_HTTP_404",
  "MCPX_HTTP_5XX",
  "MCPX_HTTP_CONN_REFUSED",
  "MCPX_HTTP_TIMEOUT",
  "MCPX_DOCKER_DAEMON_DOWN",
  "MCPX_DOCKER_IMAGE_PULL_FAILED",
  "MCPX_DOCKER_NO_PERMISSION",
  "MCPX_DOCKER_SNAP_APPARMOR",
  "MCPX_DOCKER_CLI_NOT_FOUND",
  "MCPX_DOCKER_EXEC_NOT_FOUND",
  "MCPX_DOCKER_OCI_RUNTIME",
  "MCPX_CONFIG_DEPRECATED_FIELD",
  "MCPX_CONFIG_PARSE_ERROR",
  "MCPX_CONFIG_MISSING_SECRET",
  "MCPX_QUARANTINE_PENDING_APPROVAL",
  "MCPX_QUARANTINE_TOOL_CHANGED",
  "MCPX_NETWORK_PROXY_MISCONFIG",
  "MCPX_NETWORK_OFFLINE",
  "MCPX_UNKNOWN_UNCLASSIFIED",
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

const known = new Set<string>(DIAGNOSTIC_CODES);
export function isDiagnosticCode(value: string): value is DiagnosticCode {
  return known.has(value);
}

/** How a person may name a code: `docker-cli-not-found`, `mcpx_http_401` and `HTTP 401` all mean their MCPX_* code. */
export function normaliseCodeName(input: string): string {
  const name = String(input)
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, "_");
  return name.startsWith("MCPX_") ? name : `MCPX_${name}`;
}
