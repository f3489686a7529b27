// The wordings each rule of diagnostics.md looks for in error text, as data, in the rule's order.
import type { DiagnosticCode } from "./codes.ts";

// A lower-case substring; a whole word (no letter or digit of any script either side); a case-sensitive
// substring; a runtime spawn wording for docker or any program; a runtime EACCES wording; or `: not found`
// after a program name.
export type Term =
  | string
  | { readonly word: string }
  | { readonly exact: string }
  | { readonly spawnOf: "docker" | "any" }
  | { readonly spawnEacces: true }
  | { readonly shNotFound: true };
// One term, or several that must all appear.
export type Wording = Term | readonly Term[];
export type RuleTable = readonly (readonly [DiagnosticCode, readonly Wording[]])[];

const runc: Term = { word: "runc" };

// Rule 1a (text) and rule 7: the docker binary itself is missing.
export const DOCKER_CLI_MISSING: readonly Wording[] = [
  '"docker": executable file not found',
  "docker: command not found",
  "command not found: docker",
  "docker: not found",
  "docker not found in path",
  "docker not found in login shell",
  // With the `fish: ` prefix: the docker CLI's own `docker: unknown command: docker mcp` is a missing plugin.
  "fish: unknown command: docker",
  // fish before 3.6.
  "fish: unknown command 'docker'",
  "'docker' is not recognized",
  { spawnOf: "docker" },
];

const DAEMON_DOWN: readonly Wording[] = [
  "cannot connect to the docker daemon",
  "is the docker daemon running",
  "docker daemon is not reachable",
  "docker daemon is not running",
  "docker.sock: connect: no such file",
  ["docker.sock", "connection refused"],
];

// Rule 1b–1e, only under the Docker-isolation hint.
export const ISOLATED_SPAWN: RuleTable = [
  ["MCPX_DOCKER_DAEMON_DOWN", [...DAEMON_DOWN, ["docker.sock", "no such file or directory"]]],
  ["MCPX_DOCKER_IMAGE_PULL_FAILED", [["docker-credential-", "not found"]]],
  // Before 1e: real docker output nests these inside an "OCI runtime create failed" message.
  [
    "MCPX_DOCKER_EXEC_NOT_FOUND",
    ["executable file not found", "no such file or directory", "command not found"],
  ],
  ["MCPX_DOCKER_OCI_RUNTIME", ["oci runtime", "exec format error", runc]],
];

// Rule 3's first wording holds only without these.
export const OCI_RUNTIME: readonly Wording[] = ["oci runtime", runc];

// Rule 3 after its `exec format error` wording, only with transport stdio.
export const STDIO_TEXT: RuleTable = [
  [
    "MCPX_STDIO_SPAWN_ENOENT",
    [
      "no such file or directory",
      "executable file not found",
      "command not found",
      { spawnOf: "any" },
      "fish: unknown command: ",
      "fish: unknown command '",
      "is not recognized as an internal or external command",
      "the system cannot find the file specified",
      "is not recognized as the name of a cmdlet",
      "is not recognized as a name of a cmdlet",
      { shNotFound: true },
    ],
  ],
  ["MCPX_STDIO_SPAWN_EACCES", ["permission denied", { spawnEacces: true }]],
  [
    "MCPX_STDIO_EXIT_BEFORE_INITIALIZE",
    ["transport closed", "exited before completing the mcp initialize", "exited before the mcp initialize"],
  ],
  ["MCPX_STDIO_HANDSHAKE_TIMEOUT", ["did not respond to mcp initialize", "handshake timeout"]],
  ["MCPX_STDIO_HANDSHAKE_INVALID", ["invalid handshake", "malformed"]],
];

// Rule 4: case-sensitive, as the Go edition matches.
export const TLS: readonly Wording[] = [{ exact: "x509:" }, { exact: "tls: " }, { exact: "certificate" }];

// Rule 6.
export const OAUTH: RuleTable = [
  // Before the login wordings: "re-login available" contains "login available".
  [
    "MCPX_OAUTH_REAUTH_REQUIRED",
    ["re-login available", "re-authentication required", "server error with stored token"],
  ],
  ["MCPX_OAUTH_LOGIN_REQUIRED", ["oauth authentication required", "login available", "mcpproxy auth login"]],
  [
    "MCPX_OAUTH_REFRESH_EXPIRED",
    [["refresh_token", "expired"], "refresh token has expired", "refresh token is expired"],
  ],
  [
    "MCPX_OAUTH_REFRESH_403",
    [
      ["refresh", "403"],
      ["refresh", "invalid_grant"],
    ],
  ],
  [
    "MCPX_OAUTH_DISCOVERY_FAILED",
    ["oauth metadata unavailable", "oauth discovery failed", ["discover", "oauth"], ".well-known/oauth"],
  ],
  ["MCPX_OAUTH_CALLBACK_TIMEOUT", [["oauth callback", "timeout"], "authorization timeout"]],
  [
    "MCPX_OAUTH_CALLBACK_MISMATCH",
    [
      ["redirect_uri", "mismatch"],
      ["redirect uri", "mismatch"],
    ],
  ],
];

// Rule 7, with or without the hint. A bare `exec format error` is not here: host binaries say it too.
export const DOCKER_TEXT: RuleTable = [
  ["MCPX_DOCKER_DAEMON_DOWN", DAEMON_DOWN],
  [
    "MCPX_DOCKER_SNAP_APPARMOR",
    [
      ["snap", "apparmor"],
      ["no-new-privileges", "apparmor"],
    ],
  ],
  [
    "MCPX_DOCKER_NO_PERMISSION",
    [["permission denied", "docker"], "got permission denied while trying to connect to the docker"],
  ],
  [
    "MCPX_DOCKER_IMAGE_PULL_FAILED",
    ["pull access denied", ["docker", "image", "pull", "fail"], "manifest unknown"],
  ],
  ["MCPX_DOCKER_CLI_NOT_FOUND", DOCKER_CLI_MISSING],
  ["MCPX_DOCKER_OCI_RUNTIME", OCI_RUNTIME],
];

// Rule 8. Errno names count only as whole words (`ModuleNotFoundError` is not `ENOTFOUND`).
export const NETWORK_TEXT: RuleTable = [
  ["MCPX_NETWORK_PROXY_MISCONFIG", ["proxyconnect", "proxy authentication required", "407 proxy"]],
  [
    "MCPX_HTTP_DNS_FAILED",
    [
      "no such host",
      { word: "getaddrinfo enotfound" },
      { word: "enotfound" },
      { word: "eai_again" },
      "name or service not known",
      "temporary failure in name resolution",
    ],
  ],
  ["MCPX_HTTP_CONN_REFUSED", ["connection refused", { word: "econnrefused" }]],
  [
    "MCPX_NETWORK_OFFLINE",
    ["network is unreachable", { word: "enetunreach" }, "no route to host", { word: "ehostunreach" }],
  ],
  ["MCPX_HTTP_TIMEOUT", [{ word: "etimedout" }, "i/o timeout"]],
];

// Rule 9.
export const CONFIG: RuleTable = [
  ["MCPX_CONFIG_DEPRECATED_FIELD", [["deprecated", "field"], "deprecated configuration"]],
  [
    "MCPX_CONFIG_PARSE_ERROR",
    [
      ["unmarshal", "config"],
      "config parse",
      "invalid config",
      ["config: ", "json"],
      ["config: ", "yaml"],
      ["config: ", "toml"],
    ],
  ],
  [
    "MCPX_CONFIG_MISSING_SECRET",
    [
      "missing secret",
      ["secret reference", "not found"],
      ["secret reference", "unresolved"],
      "unresolved secret",
    ],
  ],
];

// Rule 10.
export const QUARANTINE: RuleTable = [
  [
    "MCPX_QUARANTINE_PENDING_APPROVAL",
    [
      ["quarantine", "pending"],
      ["quarantine", "requires approval"],
      ["quarantine", "not approved"],
    ],
  ],
  [
    "MCPX_QUARANTINE_TOOL_CHANGED",
    [
      ["tool", "changed", "re-approval"],
      ["tool", "changed", "reapprove"],
      ["tool", "changed", "rug pull"],
    ],
  ],
];
