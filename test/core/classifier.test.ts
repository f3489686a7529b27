import { describe, expect, test } from "bun:test";
import { toJsonSchema } from "@valibot/to-json-schema";
import fc from "fast-check";
import * as v from "valibot";
import { CATALOG } from "../../src/core/catalog.ts";
import { type ClassifyFacts, classifyError, ERRNOS, TRANSPORTS } from "../../src/core/classifier.ts";
import { TextRules, type TextScan } from "../../src/core/classifier-text.ts";
import * as W from "../../src/core/classifier-wordings.ts";
import { ClassifyFactsSchema } from "../../src/core/classify-facts-schema.ts";
import { DIAGNOSTIC_CODES, type DiagnosticCode, isDiagnosticCode } from "../../src/core/codes.ts";
import { holdsPlainly } from "../support/plain-reading.ts";

type Case = [text: string, facts: ClassifyFacts | undefined, expected: DiagnosticCode];

const hint: ClassifyFacts = { dockerIsolated: true };
const stdio: ClassifyFacts = { transport: "stdio" };
const OCI_UVX =
  'docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "uvx": executable file not found in $PATH: unknown';
const CMD_NOT_RECOGNIZED = (name: string) =>
  `'${name}' is not recognized as an internal or external command,\r\noperable program or batch file.`;
const PS5 = (name: string) =>
  `${name} : The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`;
const PS7 = (name: string) =>
  `${name}: The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.`;

const rule1: Case[] = [
  // 1a, facts: the base name of spawnPath contains docker, in any case, with either separator.
  ["", { ...hint, errno: "ENOENT", spawnPath: "/usr/local/bin/docker" }, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [
    "spawn failed",
    { ...hint, errno: "ENOENT", spawnPath: "C:\\Program Files\\Docker\\Docker.exe" },
    "MCPX_DOCKER_CLI_NOT_FOUND",
  ],
  ["", { ...hint, errno: "ENOENT", spawnPath: "docker-compose" }, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["", { ...hint, errno: "ENOENT", spawnPath: "/opt/docker-tools/bin/uvx" }, "MCPX_STDIO_SPAWN_ENOENT"],
  [
    "",
    { ...hint, errno: "ENOENT", spawnPath: "C:\\Tools\\docker-helpers\\uvx.exe" },
    "MCPX_STDIO_SPAWN_ENOENT",
  ],
  ["", { errno: "ENOENT", spawnPath: "/usr/local/bin/docker" }, "MCPX_STDIO_SPAWN_ENOENT"],
  // 1a, text: shells.
  ['exec: "docker": executable file not found in $PATH', hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["bash: docker: command not found", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["bash: line 1: docker: command not found", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["zsh:1: command not found: docker", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["/bin/sh: 1: docker: not found", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["docker not found in PATH", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Docker not found in login shell", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["fish: Unknown command: docker", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["fish: Unknown command 'docker'", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [CMD_NOT_RECOGNIZED("docker"), hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [PS5("docker"), hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [PS7("docker"), hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  // 1a, text: runtimes.
  ["Error: spawn docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Error: spawnSync /usr/local/bin/docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Error: spawn /Applications/My Tools/bin/docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [
    "spawn C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe ENOENT",
    hint,
    "MCPX_DOCKER_CLI_NOT_FOUND",
  ],
  ["failed to start server: spawn docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Failed to spawn 'docker': No such file or directory (os error 2)", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [
    "ENOENT: no such file or directory, posix_spawn '/usr/local/bin/docker'",
    hint,
    "MCPX_DOCKER_CLI_NOT_FOUND",
  ],
  ['Executable not found in $PATH: "docker"', hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  // A program is docker when its base name is docker or docker.exe, in any case.
  ["Error: spawnSync \\docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["spawn DOCKER ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Failed to spawn 'DOCKER.EXE': entity not found", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  [
    "posix_spawn 'C:\\Program Files\\Docker\\Docker\\resources\\bin\\Docker.Exe'",
    hint,
    "MCPX_DOCKER_CLI_NOT_FOUND",
  ],
  ['Executable not found in $PATH: "docker.exe"', hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["spawn /usr/local/bin/mydocker ENOENT", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["spawn /docker/bin/node ENOENT", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Failed to spawn 'docker.exe.old'", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Failed to spawn 'docker-desktop.exe'", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // The errno fact keeps "base name contains docker".
  ["", { ...hint, errno: "ENOENT", spawnPath: "/usr/local/bin/mydocker" }, "MCPX_DOCKER_CLI_NOT_FOUND"],
  // Not the docker binary: a missing plugin, another program, or a permission problem.
  ["docker: unknown command: docker mcp", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["fish: Unknown command 'uvx'", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Error: spawn docker EACCES", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Error: spawn docker EACCES", { ...hint, ...stdio }, "MCPX_STDIO_SPAWN_EACCES"],
  ["spawn /usr/bin/docker-compose ENOENT", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["spawn /usr/bin/docker-compose ENOENT", { ...hint, ...stdio }, "MCPX_STDIO_SPAWN_ENOENT"],
  [
    "Failed to spawn 'docker': Permission denied (os error 13)",
    { ...hint, ...stdio },
    "MCPX_STDIO_SPAWN_EACCES",
  ],
  ["EACCES: permission denied, posix_spawn '/usr/local/bin/docker'", hint, "MCPX_DOCKER_NO_PERMISSION"],
  // 1b.
  [
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    hint,
    "MCPX_DOCKER_DAEMON_DOWN",
  ],
  ["dial unix /var/run/docker.sock: connect: no such file or directory", hint, "MCPX_DOCKER_DAEMON_DOWN"],
  ["stat /Users/me/.docker/run/docker.sock: no such file or directory", hint, "MCPX_DOCKER_DAEMON_DOWN"],
  [
    "stat /Users/me/.docker/run/docker.sock: no such file or directory",
    undefined,
    "MCPX_UNKNOWN_UNCLASSIFIED",
  ],
  // 1c, before 1d although the helper's message says "executable file not found".
  [
    'error getting credentials - err: exec: "docker-credential-desktop": executable file not found in $PATH, out: ``',
    hint,
    "MCPX_DOCKER_IMAGE_PULL_FAILED",
  ],
  ["docker-credential-osxkeychain not found", hint, "MCPX_DOCKER_IMAGE_PULL_FAILED"],
  // 1d, before 1e: real docker output nests it inside an OCI runtime message.
  [OCI_UVX, hint, "MCPX_DOCKER_EXEC_NOT_FOUND"],
  ['exec: "node": executable file not found in $PATH', hint, "MCPX_DOCKER_EXEC_NOT_FOUND"],
  ["exec /usr/local/bin/python: no such file or directory", hint, "MCPX_DOCKER_EXEC_NOT_FOUND"],
  ["sh: uvx: command not found", hint, "MCPX_DOCKER_EXEC_NOT_FOUND"],
  // 1e.
  [
    "OCI runtime create failed: container_linux.go:380: starting container process caused: exec format error",
    hint,
    "MCPX_DOCKER_OCI_RUNTIME",
  ],
  ["exec /usr/local/bin/uvx: exec format error", hint, "MCPX_DOCKER_OCI_RUNTIME"],
  ["runc: unable to set up cgroup", hint, "MCPX_DOCKER_OCI_RUNTIME"],
  // `runc` is a whole word: an underscore is neither letter nor digit, a digit of any script is.
  ["shim_runc_v2: unable to start", hint, "MCPX_DOCKER_OCI_RUNTIME"],
  ["runc\u0663 failed", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["response body truncated", hint, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // None of 1a–1e: rule 2 and the rest follow.
  ["weird", { ...hint, errno: "EACCES" }, "MCPX_STDIO_SPAWN_EACCES"],
  ["", { ...hint, errno: "ENOENT", spawnPath: "uvx" }, "MCPX_STDIO_SPAWN_ENOENT"],
  ["unauthorized", { ...hint, transport: "http", httpStatus: 401 }, "MCPX_HTTP_401"],
  ["", { ...hint, exitCode: 125 }, "MCPX_STDIO_EXIT_NONZERO"],
];

const rule2: Case[] = [
  ["", { errno: "ENOENT" }, "MCPX_STDIO_SPAWN_ENOENT"],
  ["", { errno: "EACCES" }, "MCPX_STDIO_SPAWN_EACCES"],
  ["", { errno: "ENOEXEC" }, "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
  ["exec format error", { ...stdio, errno: "EACCES" }, "MCPX_STDIO_SPAWN_EACCES"],
  ["x509: certificate signed by unknown authority", { errno: "ENOENT" }, "MCPX_STDIO_SPAWN_ENOENT"],
  ["Cannot connect to the Docker daemon", { errno: "ENOEXEC" }, "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
];

const rule3: Case[] = [
  // The first consequence of the order: a bare exec format error is the host binary's.
  ["exec format error", stdio, "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
  ["fork/exec /usr/local/bin/server: exec format error", stdio, "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
  ["OCI runtime create failed: exec format error", stdio, "MCPX_DOCKER_OCI_RUNTIME"],
  ["runc create failed: exec format error", stdio, "MCPX_DOCKER_OCI_RUNTIME"],
  ["exec format error", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["exec format error", { transport: "docker" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // Missing program: runtimes.
  ["Error: spawn npx ENOENT", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["Error: spawn /Applications/My Tools/bin/uvx ENOENT", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["Error: spawnSync uvx ENOENT", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  [
    "starting github\nError: spawn npx ENOENT\n    at ChildProcess._handle.onexit (node:internal)",
    stdio,
    "MCPX_STDIO_SPAWN_ENOENT",
  ],
  ["Failed to spawn 'docker': No such file or directory", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["error: Failed to spawn 'uvx': entity not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["error: posix_spawn '/opt/tools/uvx' failed", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ['error: Executable not found in $PATH: "uvx"', stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ['exec: "uvx": executable file not found in $PATH', stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["open /srv/server.py: no such file or directory", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  // Missing program: shells.
  ["zsh:1: command not found: uvx", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["bash: line 1: uvx: command not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["/bin/sh: 1: uvx: not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["sh: uvx: not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["fish: Unknown command: uvx", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["fish: Unknown command 'uvx'", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["fish: Unknown command '/opt/My Tools/uvx'", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["The system cannot find the file specified.", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["CreateProcess failed: the system cannot find the file specified (0x2)", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  [CMD_NOT_RECOGNIZED("uvx"), stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  [PS5("npx"), stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  [PS7("npx"), stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  // Not a spawn wording: `spawn ` and ` ENOENT` on different lines, a space before `: not found`.
  ["could not spawn \nfile ENOENT", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["lookup : not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // Any Unicode white space before the colon, not only ASCII; U+FEFF is no white space.
  ["lookup\u00a0: not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["lookup\u2003: not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["lookup\u3000: not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["lookup\u0085: not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["lookup\t: not found", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["uvx\ufeff: not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["/bin/sh: 1: \u{1d42e}vx: not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  // PowerShell 7's wording counts only whole.
  ["The term 'uvx' is not recognized as a name", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["fish: Unknown command", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Error: spawn npx ENOENT", { transport: "http" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // Permission denied; runtime spawn wordings do not count beside it.
  ["bash: ./server.sh: Permission denied", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["Failed to spawn 'uvx': Permission denied (os error 13)", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["EACCES: permission denied, posix_spawn '/opt/tools/uvx'", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["Error: spawn /opt/uvx ENOENT (permission denied)", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  // Runtime EACCES wordings.
  ["Error: spawn /usr/bin/npx EACCES", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["Error: spawnSync C:\\Tools\\My App\\uvx.exe EACCES", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["starting\nError: spawn ./server.sh EACCES\n    at ChildProcess", stdio, "MCPX_STDIO_SPAWN_EACCES"],
  ["Error: spawn npx EACCES", { transport: "http" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["could not spawn \nnpx EACCES", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["spawn  EACCES", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // Handshake.
  ["transport closed", stdio, "MCPX_STDIO_EXIT_BEFORE_INITIALIZE"],
  [
    "server exited before completing the MCP initialize handshake",
    stdio,
    "MCPX_STDIO_EXIT_BEFORE_INITIALIZE",
  ],
  ["process exited before the MCP initialize response", stdio, "MCPX_STDIO_EXIT_BEFORE_INITIALIZE"],
  ["transport closed", { transport: "sse" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["server did not respond to MCP initialize within 30s", stdio, "MCPX_STDIO_HANDSHAKE_TIMEOUT"],
  ["Handshake timeout after 30s", stdio, "MCPX_STDIO_HANDSHAKE_TIMEOUT"],
  ["invalid handshake response", stdio, "MCPX_STDIO_HANDSHAKE_INVALID"],
  ["malformed JSON-RPC message on stdout", stdio, "MCPX_STDIO_HANDSHAKE_INVALID"],
  ["malformed JSON-RPC message on stdout", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
];

const rule4: Case[] = [
  ["getaddrinfo ENOTFOUND api.example.com", { errno: "ENOTFOUND" }, "MCPX_HTTP_DNS_FAILED"],
  ["x509: certificate signed by unknown authority", { errno: "ENOTFOUND" }, "MCPX_HTTP_DNS_FAILED"],
  ["x509: certificate signed by unknown authority", undefined, "MCPX_HTTP_TLS_FAILED"],
  ["remote error: tls: handshake failure", { transport: "http" }, "MCPX_HTTP_TLS_FAILED"],
  ["unable to verify the first certificate", undefined, "MCPX_HTTP_TLS_FAILED"],
  ["tls: bad certificate", { errno: "ECONNREFUSED" }, "MCPX_HTTP_TLS_FAILED"],
  // The TLS words are case-sensitive.
  ["X509: CERTIFICATE SIGNED BY UNKNOWN AUTHORITY", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["Certificate has expired", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["TLS: handshake failure", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { errno: "ECONNREFUSED" }, "MCPX_HTTP_CONN_REFUSED"],
  ["", { errno: "ETIMEDOUT", transport: "stdio" }, "MCPX_HTTP_TIMEOUT"],
  ["", { transport: "http", timedOut: true }, "MCPX_HTTP_TIMEOUT"],
  ["", { transport: "streamable-http", timedOut: true, httpStatus: 500 }, "MCPX_HTTP_TIMEOUT"],
  ["Get https://x/mcp: context deadline exceeded", { transport: "sse" }, "MCPX_HTTP_TIMEOUT"],
  ["Get https://x/mcp: context deadline exceeded", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { timedOut: true }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: 401 }, "MCPX_HTTP_401"],
  ["", { ...stdio, httpStatus: 403 }, "MCPX_HTTP_403"],
  ["", { transport: "docker", httpStatus: 404 }, "MCPX_HTTP_404"],
  ["", { httpStatus: 500 }, "MCPX_HTTP_5XX"],
  ["", { transport: "http", httpStatus: 599 }, "MCPX_HTTP_5XX"],
  ["", { transport: "http", httpStatus: 429 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { transport: "http", httpStatus: 600 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { transport: "http", httpStatus: 500.5 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // A status that is not a whole number is ignored: the fact, not the text.
  ["", { httpStatus: 404.5 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: 401.000001 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: Number.NaN }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: Number.POSITIVE_INFINITY }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: Number.NEGATIVE_INFINITY }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { httpStatus: 401.0 }, "MCPX_HTTP_401"],
  ["status 503", { transport: "http", httpStatus: 404.5 }, "MCPX_HTTP_5XX"],
  ["status 401", { transport: "sse", httpStatus: Number.NaN }, "MCPX_HTTP_401"],
  ["refresh token has expired", { httpStatus: 403.5 }, "MCPX_OAUTH_REFRESH_EXPIRED"],
  ["unexpected status 401 Unauthorized", { transport: "http" }, "MCPX_HTTP_401"],
  ["request failed with status 403", { transport: "sse" }, "MCPX_HTTP_403"],
  ["Status 404 Not Found", { transport: "streamable-http" }, "MCPX_HTTP_404"],
  ["status 429 Too Many Requests, then status 502 Bad Gateway", { transport: "sse" }, "MCPX_HTTP_5XX"],
  ["status 502 then status 401", { transport: "http" }, "MCPX_HTTP_5XX"],
  ["status 4041", { transport: "http" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["status 401", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["status 401", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["status 401", { transport: "http", httpStatus: 403 }, "MCPX_HTTP_403"],
  ["status 502", { transport: "http", httpStatus: 429 }, "MCPX_HTTP_5XX"],
];

const rule5: Case[] = [
  ["", { errno: "ENETUNREACH" }, "MCPX_NETWORK_OFFLINE"],
  ["connect EHOSTUNREACH 10.0.0.5:443", { errno: "EHOSTUNREACH" }, "MCPX_NETWORK_OFFLINE"],
  ["x509: certificate has expired", { errno: "ENETUNREACH" }, "MCPX_HTTP_TLS_FAILED"],
  ["OAuth authentication required", { errno: "EHOSTUNREACH" }, "MCPX_NETWORK_OFFLINE"],
];

const rule6: Case[] = [
  ["server error with stored token; re-login available", undefined, "MCPX_OAUTH_REAUTH_REQUIRED"],
  ["Re-authentication required for github", undefined, "MCPX_OAUTH_REAUTH_REQUIRED"],
  ["re-login available", undefined, "MCPX_OAUTH_REAUTH_REQUIRED"],
  ["OAuth authentication required", undefined, "MCPX_OAUTH_LOGIN_REQUIRED"],
  ["login available: run `mcpproxy auth login --server=github`", undefined, "MCPX_OAUTH_LOGIN_REQUIRED"],
  ["OAuth authentication required", { transport: "http", httpStatus: 401 }, "MCPX_HTTP_401"],
  ["refresh_token expired", undefined, "MCPX_OAUTH_REFRESH_EXPIRED"],
  ["the refresh token has expired", undefined, "MCPX_OAUTH_REFRESH_EXPIRED"],
  ["Refresh token is expired", undefined, "MCPX_OAUTH_REFRESH_EXPIRED"],
  ["refresh_token expired: invalid_grant", undefined, "MCPX_OAUTH_REFRESH_EXPIRED"],
  ["token refresh failed: 403 Forbidden", undefined, "MCPX_OAUTH_REFRESH_403"],
  ["refresh failed: invalid_grant", undefined, "MCPX_OAUTH_REFRESH_403"],
  ["OAuth metadata unavailable", undefined, "MCPX_OAUTH_DISCOVERY_FAILED"],
  ["OAuth discovery failed", undefined, "MCPX_OAUTH_DISCOVERY_FAILED"],
  ["failed to discover OAuth endpoints", undefined, "MCPX_OAUTH_DISCOVERY_FAILED"],
  ["GET /.well-known/oauth-protected-resource returned nothing", undefined, "MCPX_OAUTH_DISCOVERY_FAILED"],
  ["OAuth callback timeout", undefined, "MCPX_OAUTH_CALLBACK_TIMEOUT"],
  ["authorization timeout: the browser never came back", undefined, "MCPX_OAUTH_CALLBACK_TIMEOUT"],
  ["error=invalid_request: redirect_uri mismatch", undefined, "MCPX_OAUTH_CALLBACK_MISMATCH"],
  ["Redirect URI mismatch", undefined, "MCPX_OAUTH_CALLBACK_MISMATCH"],
];

const rule7: Case[] = [
  [
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?",
    undefined,
    "MCPX_DOCKER_DAEMON_DOWN",
  ],
  ["docker daemon is not running", stdio, "MCPX_DOCKER_DAEMON_DOWN"],
  ["Docker daemon is not reachable", undefined, "MCPX_DOCKER_DAEMON_DOWN"],
  ["dial unix /var/run/docker.sock: connect: connection refused", undefined, "MCPX_DOCKER_DAEMON_DOWN"],
  [
    "dial unix /var/run/docker.sock: connect: no such file or directory",
    undefined,
    "MCPX_DOCKER_DAEMON_DOWN",
  ],
  ["Cannot connect to the Docker daemon: permission denied", undefined, "MCPX_DOCKER_DAEMON_DOWN"],
  ['snap.docker.dockerd: apparmor="DENIED" operation="exec"', undefined, "MCPX_DOCKER_SNAP_APPARMOR"],
  ["no-new-privileges is not allowed with this AppArmor profile", undefined, "MCPX_DOCKER_SNAP_APPARMOR"],
  [
    'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/info": dial unix /var/run/docker.sock: connect: permission denied',
    undefined,
    "MCPX_DOCKER_NO_PERMISSION",
  ],
  [
    "Got permission denied while trying to connect to the Docker daemon socket",
    undefined,
    "MCPX_DOCKER_NO_PERMISSION",
  ],
  [
    "Error response from daemon: pull access denied for acme/mcp, repository does not exist or may require 'docker login'",
    undefined,
    "MCPX_DOCKER_IMAGE_PULL_FAILED",
  ],
  ["docker: failed to pull image ghcr.io/acme/mcp:latest", undefined, "MCPX_DOCKER_IMAGE_PULL_FAILED"],
  [
    "manifest for python:3.99 not found: manifest unknown: manifest unknown",
    undefined,
    "MCPX_DOCKER_IMAGE_PULL_FAILED",
  ],
  ["zsh:1: command not found: docker", undefined, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Error: spawn docker ENOENT", undefined, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["Error: spawn docker ENOENT", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  ["Error: spawn docker ENOENT", { errno: "ENOENT", spawnPath: "docker" }, "MCPX_STDIO_SPAWN_ENOENT"],
  [
    "OCI runtime exec failed: exec failed: unable to start container process",
    undefined,
    "MCPX_DOCKER_OCI_RUNTIME",
  ],
  ["runc run failed: unable to start container process", undefined, "MCPX_DOCKER_OCI_RUNTIME"],
  [OCI_UVX, undefined, "MCPX_DOCKER_OCI_RUNTIME"],
  [OCI_UVX, stdio, "MCPX_STDIO_SPAWN_ENOENT"],
  // `runc` is a word: "truncated" is not the container runtime.
  ["response body truncated", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["io.containerd.runc.v2: shim failed", undefined, "MCPX_DOCKER_OCI_RUNTIME"],
  ["_runc_", undefined, "MCPX_DOCKER_OCI_RUNTIME"],
  ["\u00e9runc", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["runc\u0663", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["fish: Unknown command 'docker'", undefined, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ["spawnSync C:\\bin\\DOCKER.exe ENOENT", undefined, "MCPX_DOCKER_CLI_NOT_FOUND"],
];

const rule8: Case[] = [
  [
    "proxyconnect tcp: dial tcp 10.0.0.1:3128: connect: connection refused",
    undefined,
    "MCPX_NETWORK_PROXY_MISCONFIG",
  ],
  ["HTTP/1.1 407 Proxy Authentication Required", undefined, "MCPX_NETWORK_PROXY_MISCONFIG"],
  ["dial tcp: lookup api.example.com: no such host", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["getaddrinfo ENOTFOUND api.example.com", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["Error: ENOTFOUND", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["code=ENOTFOUND", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["Name or service not known", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["Temporary failure in name resolution", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["getaddrinfo EAI_AGAIN registry.npmjs.org", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["code: 'EAI_AGAIN'", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["_eai_again_", undefined, "MCPX_HTTP_DNS_FAILED"],
  ["XEAI_AGAIN", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["EAI_AGAIN2", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["EAI_AGAIN\u00e9", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // Errno names are whole words only.
  ["ModuleNotFoundError: No module named 'mcp'", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["ModuleNotFoundError: No module named 'mcp'", stdio, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["ENOTFOUND2 and XECONNREFUSED and ETIMEDOUTS", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  // A letter or digit of any script breaks the word, astral ones too; white space and marks do not.
  ["\u00c9ECONNREFUSED", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["ECONNREFUSED\u00e9", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["\u0130ECONNREFUSED", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["\u4e2dENETUNREACH", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["ETIMEDOUT\u0663", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["\u{1d400}ECONNREFUSED", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["ECONNREFUSED\u{1d7ce}", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["\u{1f600}ECONNREFUSED\u{1f600}", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["\u3000ECONNREFUSED\u00a0", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["ECONNREFUSED\u0301", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["\ud835ECONNREFUSED", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["dial tcp 127.0.0.1:8080: connect: connection refused", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["connect ECONNREFUSED 127.0.0.1:3000", undefined, "MCPX_HTTP_CONN_REFUSED"],
  ["connect: network is unreachable", undefined, "MCPX_NETWORK_OFFLINE"],
  ["connect ENETUNREACH 2001:db8::1:443", undefined, "MCPX_NETWORK_OFFLINE"],
  ["dial tcp 10.0.0.5:443: connect: no route to host", undefined, "MCPX_NETWORK_OFFLINE"],
  ["connect EHOSTUNREACH 10.0.0.5:443", undefined, "MCPX_NETWORK_OFFLINE"],
  ["connect ETIMEDOUT 1.2.3.4:443", undefined, "MCPX_HTTP_TIMEOUT"],
  ["dial tcp 1.2.3.4:443: i/o timeout", undefined, "MCPX_HTTP_TIMEOUT"],
];

const rule9: Case[] = [
  ["deprecated field 'top_k', use 'tools_limit'", undefined, "MCPX_CONFIG_DEPRECATED_FIELD"],
  ["Deprecated configuration: enable_tray", undefined, "MCPX_CONFIG_DEPRECATED_FIELD"],
  ["deprecated field in invalid config", undefined, "MCPX_CONFIG_DEPRECATED_FIELD"],
  ["failed to unmarshal config: unexpected end of JSON input", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["config parse error at line 3", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["invalid config: listen must be host:port", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["config: invalid JSON at 3:5", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["config: yaml: line 2: mapping values are not allowed", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["config: toml: expected '='", undefined, "MCPX_CONFIG_PARSE_ERROR"],
  ["missing secret GITHUB_TOKEN", undefined, "MCPX_CONFIG_MISSING_SECRET"],
  ["secret reference keyring:openai not found", undefined, "MCPX_CONFIG_MISSING_SECRET"],
  ["secret reference env:API_KEY unresolved", undefined, "MCPX_CONFIG_MISSING_SECRET"],
  ["unresolved secret: OPENAI_API_KEY", undefined, "MCPX_CONFIG_MISSING_SECRET"],
];

const rule10: Case[] = [
  ["server is in quarantine, pending approval", undefined, "MCPX_QUARANTINE_PENDING_APPROVAL"],
  ["quarantined server requires approval", undefined, "MCPX_QUARANTINE_PENDING_APPROVAL"],
  ["Quarantine: tools not approved", undefined, "MCPX_QUARANTINE_PENDING_APPROVAL"],
  ["tool description changed; re-approval required", undefined, "MCPX_QUARANTINE_TOOL_CHANGED"],
  ["Tool 'search' changed since approval, reapprove it", undefined, "MCPX_QUARANTINE_TOOL_CHANGED"],
  ["possible rug pull: tool schema changed", undefined, "MCPX_QUARANTINE_TOOL_CHANGED"],
  ["quarantine pending: tool changed, re-approval required", undefined, "MCPX_QUARANTINE_PENDING_APPROVAL"],
];

const rule11: Case[] = [
  ["", { exitCode: 1 }, "MCPX_STDIO_EXIT_NONZERO"],
  [
    "Traceback (most recent call last): KeyError: 'API_KEY'",
    { ...stdio, exitCode: 1 },
    "MCPX_STDIO_EXIT_NONZERO",
  ],
  ["", { exitCode: -1 }, "MCPX_STDIO_EXIT_NONZERO"],
  ["", { ...stdio, exitCode: 1, timedOut: true }, "MCPX_STDIO_EXIT_NONZERO"],
  ["", { exitCode: 0 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { ...stdio, exitCode: 0, timedOut: true }, "MCPX_STDIO_HANDSHAKE_TIMEOUT"],
  ["", { exitCode: Number.NaN }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["", { ...stdio, timedOut: true }, "MCPX_STDIO_HANDSHAKE_TIMEOUT"],
  ["Error: spawn npx ENOENT", { ...stdio, exitCode: 1 }, "MCPX_STDIO_SPAWN_ENOENT"],
  ["dial tcp: lookup x: no such host", { exitCode: 1 }, "MCPX_HTTP_DNS_FAILED"],
  ["x509: certificate signed by unknown authority", { exitCode: 2 }, "MCPX_HTTP_TLS_FAILED"],
  ["server is in quarantine, pending approval", { exitCode: 1 }, "MCPX_QUARANTINE_PENDING_APPROVAL"],
];

const rule12: Case[] = [
  ["", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["something odd happened", { transport: "stdio" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
  ["\u0000\uffff\ud800\udfff\ud800", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
];

const rules: [string, Case[]][] = [
  ["1 Docker-isolated spawn", rule1],
  ["2 spawn facts", rule2],
  ["3 stdio text", rule3],
  ["4 HTTP", rule4],
  ["5 network facts", rule5],
  ["6 OAuth", rule6],
  ["7 Docker text", rule7],
  ["8 network text", rule8],
  ["9 config", rule9],
  ["10 quarantine", rule10],
  ["11 process facts", rule11],
  ["12 otherwise", rule12],
];

describe("classifyError, rule by rule", () => {
  for (const [name, cases] of rules) {
    describe(name, () => {
      test.each(cases)("%p with %j → %s", (text, facts, expected) => {
        expect(classifyError(text, facts)).toBe(expected);
      });
    });
  }

  test("every code is expected by at least two cases", () => {
    const counts = new Map<string, number>();
    for (const [, cases] of rules)
      for (const [, , code] of cases) counts.set(code, (counts.get(code) ?? 0) + 1);
    expect(DIAGNOSTIC_CODES.filter((code) => (counts.get(code) ?? 0) < 2)).toEqual([]);
  });
});

describe("the two consequences of the order", () => {
  test("with the hint, `zsh:1: command not found: docker` is CLI-not-found, not exec-not-found", () => {
    expect(classifyError("zsh:1: command not found: docker", { dockerIsolated: true })).toBe(
      "MCPX_DOCKER_CLI_NOT_FOUND",
    );
  });

  test("without the hint, stdio: bare `exec format error` is the host's, inside an OCI message Docker's", () => {
    expect([
      classifyError("exec format error", { transport: "stdio" }),
      classifyError("OCI runtime create failed: exec format error", { transport: "stdio" }),
    ]).toEqual(["MCPX_STDIO_SPAWN_EXEC_FORMAT", "MCPX_DOCKER_OCI_RUNTIME"]);
  });
});

// Amendments of CHANGES.md, one test each, so a regression names the amendment it breaks.
describe("amendments", () => {
  test.each<[string, string, ClassifyFacts | undefined, DiagnosticCode]>([
    [
      "1b: isolated, engine unreachable",
      "docker.sock: no such file or directory",
      hint,
      "MCPX_DOCKER_DAEMON_DOWN",
    ],
    [
      "1c: isolated, missing credential helper",
      'exec: "docker-credential-desktop": executable file not found in $PATH',
      hint,
      "MCPX_DOCKER_IMAGE_PULL_FAILED",
    ],
    [
      "rule 8: network wordings in text",
      "connect ECONNREFUSED 127.0.0.1:3000",
      undefined,
      "MCPX_HTTP_CONN_REFUSED",
    ],
    [
      "rule 11: exitCode is a fallback after text",
      "refresh token has expired",
      { exitCode: 1 },
      "MCPX_OAUTH_REFRESH_EXPIRED",
    ],
    [
      "rule 11: stdio timedOut is a fallback after text",
      "malformed",
      { ...stdio, timedOut: true },
      "MCPX_STDIO_HANDSHAKE_INVALID",
    ],
    ["rule 4: timeouts for sse", "", { transport: "sse", timedOut: true }, "MCPX_HTTP_TIMEOUT"],
    [
      "rule 4: status NNN for streamable-http",
      "status 404",
      { transport: "streamable-http" },
      "MCPX_HTTP_404",
    ],
    ["rule 4: errno ETIMEDOUT", "", { errno: "ETIMEDOUT" }, "MCPX_HTTP_TIMEOUT"],
    ["runtime wordings: Deno", "Failed to spawn 'uvx'", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
    ["shell wordings: dash", "/bin/sh: 1: npx: not found", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
    ["shell wordings: cmd.exe", CMD_NOT_RECOGNIZED("npx"), stdio, "MCPX_STDIO_SPAWN_ENOENT"],
    ["errno names are whole words", "ModuleNotFoundError", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["exitCode 0 counts as absent", "", { exitCode: 0 }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["stdin is one message", "starting\nError: spawn npx ENOENT\nbye", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
    [
      "`\\` separates path parts",
      "",
      { ...hint, errno: "ENOENT", spawnPath: "C:\\Tools\\docker-helpers\\uvx.exe" },
      "MCPX_STDIO_SPAWN_ENOENT",
    ],
    [
      "`\\` separates path parts in spawn P",
      "spawn C:\\bin\\docker ENOENT",
      hint,
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    [
      "P may hold spaces",
      "spawn /Applications/My Tools/bin/docker ENOENT",
      hint,
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    [
      "under the hint, rule 2 follows 1a–1e",
      "",
      { ...hint, errno: "ENOEXEC" },
      "MCPX_STDIO_SPAWN_EXEC_FORMAT",
    ],
    ["first status that maps decides", "status 418, status 503", { transport: "http" }, "MCPX_HTTP_5XX"],
    ["2026-12-01: runc is a whole word", "runc\u0663 failed", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["2026-12-01: EAI_AGAIN is a whole word", "EAI_AGAINx", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    [
      "2026-12-01: a letter of any script breaks a word",
      "\u00c9ECONNREFUSED",
      undefined,
      "MCPX_UNKNOWN_UNCLASSIFIED",
    ],
    [
      "2026-12-01: white space is any Unicode white space",
      "uvx\u3000: not found",
      stdio,
      "MCPX_UNKNOWN_UNCLASSIFIED",
    ],
    [
      "2026-12-01: docker.exe is docker in 1a",
      "spawn C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe ENOENT",
      hint,
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    ["2026-12-01: \\docker is docker in 1a", "spawnSync \\docker ENOENT", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
    [
      "2026-12-01: the base name is docker, in any case",
      "Failed to spawn 'DOCKER.EXE'",
      hint,
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    ["2026-12-01: runtime EACCES wordings", "spawn /usr/bin/npx EACCES", stdio, "MCPX_STDIO_SPAWN_EACCES"],
    ["2026-12-01: fish before 3.6, 1a", "fish: Unknown command 'docker'", hint, "MCPX_DOCKER_CLI_NOT_FOUND"],
    [
      "2026-12-01: fish before 3.6, rule 7",
      "fish: Unknown command 'docker'",
      undefined,
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    ["2026-12-01: fish before 3.6, rule 3", "fish: Unknown command 'uvx'", stdio, "MCPX_STDIO_SPAWN_ENOENT"],
    [
      "2026-12-01: Windows' file not found",
      "The system cannot find the file specified.",
      stdio,
      "MCPX_STDIO_SPAWN_ENOENT",
    ],
    [
      "2026-12-01: PowerShell 7's whole phrase",
      "'uvx' is not recognized as a name of a program",
      stdio,
      "MCPX_UNKNOWN_UNCLASSIFIED",
    ],
    [
      "2026-12-01: a fractional httpStatus is ignored",
      "",
      { httpStatus: 404.5 },
      "MCPX_UNKNOWN_UNCLASSIFIED",
    ],
    [
      "2026-12-01: the text's status still counts beside an ignored one",
      "status 502",
      { transport: "http", httpStatus: 401.5 },
      "MCPX_HTTP_5XX",
    ],
    ["2026-12-01: EAI_AGAIN is a DNS failure", "getaddrinfo EAI_AGAIN x", undefined, "MCPX_HTTP_DNS_FAILED"],
  ])("%s", (_, text, facts, expected) => {
    expect(classifyError(text, facts)).toBe(expected);
  });
});

describe("inputs outside the types", () => {
  test.each<[string, unknown, unknown, DiagnosticCode]>([
    ["a null text", null, undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["null facts", "Error: spawn docker ENOENT", null, "MCPX_DOCKER_CLI_NOT_FOUND"],
    ["an unknown transport", "status 401", { transport: "ftp" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["an unknown errno", "", { errno: "EPERM" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a string exit code", "", { exitCode: "1" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["an infinite exit code", "", { exitCode: Number.POSITIVE_INFINITY }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a string HTTP status", "", { httpStatus: "404" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a boxed HTTP status", "", { httpStatus: Object(404) }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    [
      "a truthy, non-boolean hint",
      "zsh:1: command not found: docker",
      { dockerIsolated: "yes" },
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    [
      "a spawnPath that is not a string",
      "",
      { dockerIsolated: true, errno: "ENOENT", spawnPath: 7 },
      "MCPX_STDIO_SPAWN_ENOENT",
    ],
  ])("%s", (_, text, facts, expected) => {
    expect(classifyError(text as string, facts as ClassifyFacts)).toBe(expected);
  });
});

describe("ClassifyFactsSchema", () => {
  test("accepts every transport and errno, and rejects others", () => {
    const results = [
      ...TRANSPORTS.map((transport) => v.safeParse(ClassifyFactsSchema, { transport }).success),
      ...ERRNOS.map((errno) => v.safeParse(ClassifyFactsSchema, { errno }).success),
      v.safeParse(ClassifyFactsSchema, { transport: "ftp" }).success,
      v.safeParse(ClassifyFactsSchema, { errno: "EPERM" }).success,
      v.safeParse(ClassifyFactsSchema, { extra: 1 }).success,
    ];
    expect(results).toEqual([...TRANSPORTS.map(() => true), ...ERRNOS.map(() => true), false, false, false]);
  });

  test("takes an HTTP status that is not a whole number, which the classifier then ignores", () => {
    const statuses = [404.5, 401.000001, Number.POSITIVE_INFINITY, -1e300];
    expect(
      statuses.map((httpStatus) => {
        const parsed = v.safeParse(ClassifyFactsSchema, { transport: "http", httpStatus });
        return [parsed.success, parsed.success ? classifyError("status 503", parsed.output) : undefined];
      }),
    ).toEqual(statuses.map(() => [true, "MCPX_HTTP_5XX"]));
    // JSON has no NaN; given one anyway, parsing answers rather than throws.
    expect(v.safeParse(ClassifyFactsSchema, { httpStatus: Number.NaN }).success).toBe(false);
    expect(toJsonSchema(ClassifyFactsSchema).properties?.httpStatus).toEqual({ type: "number" });
  });
});

// Fragments of the wordings, so random texts reach the scanners and not only the "nothing found" path.
const FRAGMENTS = [
  "spawn ",
  "spawnSync ",
  " ENOENT",
  " EACCES",
  "docker",
  "/docker",
  "\\docker",
  "DOCKER",
  ".exe",
  ".EXE",
  "Failed to spawn '",
  "posix_spawn '",
  'Executable not found in $PATH: "',
  "'",
  '"',
  ": not found",
  "status ",
  "404",
  "5",
  "\n",
  " ",
  "permission denied",
  "ENOTFOUND",
  "EAI_AGAIN",
  "_",
  "\u00e9",
  "\u0663",
  "\u0130",
  "\u{1d400}",
  "\u00a0",
  "\u3000",
  "\u0085",
  "runc",
  "oci runtime",
  "exec format error",
  "x509:",
  "refresh",
  "quarantine",
  "command not found",
  "fish: Unknown command '",
];
const noisyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 300 }),
  fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 40 })
    .map((parts) => parts.join("")),
);
const facts = fc.option(
  fc.record(
    {
      transport: fc.constantFrom(...TRANSPORTS),
      dockerIsolated: fc.boolean(),
      errno: fc.constantFrom(...ERRNOS),
      spawnPath: fc.oneof(
        fc.string(),
        fc.constantFrom("docker", "/usr/bin/docker", "C:\\x\\Docker.exe", "uvx"),
      ),
      exitCode: fc.oneof(fc.integer(), fc.double()),
      timedOut: fc.boolean(),
      httpStatus: fc.oneof(fc.integer({ min: 100, max: 700 }), fc.double()),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

describe("properties", () => {
  test("never throws and always returns a catalog code, for any text and facts", () => {
    fc.assert(
      fc.property(noisyText, facts, (text, given) => {
        const code = classifyError(text, given);
        return isDiagnosticCode(code) && CATALOG[code].code === code;
      }),
      { numRuns: 3000 },
    );
  });

  test("never throws on anything at all in place of the facts", () => {
    fc.assert(
      fc.property(noisyText, fc.anything(), (text, given) =>
        isDiagnosticCode(classifyError(text, given as ClassifyFacts)),
      ),
      { numRuns: 1000 },
    );
  });

  test("matching is case-insensitive, except the TLS words", () => {
    // İ lower-cases to `i` and a combining dot, no letter: the text itself changes, not only its case.
    const caseFolds = FRAGMENTS.filter((fragment) => fragment !== "\u0130");
    const texts = fc
      .array(fc.oneof(fc.constantFrom(...caseFolds), fc.string({ unit: "grapheme-ascii", maxLength: 4 })), {
        maxLength: 30,
      })
      .map((parts) => parts.join(""))
      .filter((text) => !/x509:|tls: |certificate/i.test(text));
    fc.assert(
      fc.property(texts, facts, (text, given) => {
        return classifyError(text.toUpperCase(), given) === classifyError(text.toLowerCase(), given);
      }),
      { numRuns: 2000 },
    );
  });

  test("exitCode 0 is the same as no exitCode", () => {
    fc.assert(
      fc.property(noisyText, facts, (text, given) => {
        const without = { ...given, exitCode: undefined };
        return classifyError(text, { ...without, exitCode: 0 }) === classifyError(text, without);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("huge input", () => {
  const TEN_MB = 10 * 1024 * 1024;
  const line = (unit: string) => unit.repeat(Math.ceil(TEN_MB / unit.length)).slice(0, TEN_MB);
  const all: ClassifyFacts = { dockerIsolated: true, transport: "stdio" };

  test.each<[string, string, ClassifyFacts, DiagnosticCode]>([
    ["plain letters", line("a"), all, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["many ENOENT without a spawn", line(" ENOENT"), all, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["many spawns without an ENOENT", line("spawn x"), all, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["many Deno wordings", line("Failed to spawn 'x"), all, "MCPX_STDIO_SPAWN_ENOENT"],
    ["many status words", line("status 42 "), { transport: "http" }, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["many near-errno words", line("xENOTFOUNDx "), {}, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["many spaced not-founds", line(" : not found"), all, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a docker spawn at the very end", `${line("a")}\nspawn docker ENOENT`, all, "MCPX_DOCKER_CLI_NOT_FOUND"],
  ])("a 10 MB line of %s classifies without throwing", (_, text, given, expected) => {
    expect(classifyError(text, given)).toBe(expected);
  });
});

describe("compiled wordings", () => {
  const SETS = { DOCKER_CLI_MISSING: W.DOCKER_CLI_MISSING, OCI_RUNTIME: W.OCI_RUNTIME, TLS: W.TLS };
  const TABLES = {
    ISOLATED_SPAWN: W.ISOLATED_SPAWN,
    STDIO_TEXT: W.STDIO_TEXT,
    OAUTH: W.OAUTH,
    DOCKER_TEXT: W.DOCKER_TEXT,
    NETWORK_TEXT: W.NETWORK_TEXT,
    CONFIG: W.CONFIG,
    QUARANTINE: W.QUARANTINE,
  };
  const termLiteral = (t: W.Term): string =>
    typeof t === "string"
      ? t
      : "word" in t
        ? t.word
        : "exact" in t
          ? t.exact
          : "shNotFound" in t
            ? ": not found"
            : "spawnEacces" in t
              ? " eacces"
              : "spawn ";
  const termsOf = (w: W.Wording) => (Array.isArray(w) ? (w as readonly W.Term[]) : [w as W.Term]);
  const LITERALS = [
    ...Object.values(SETS).flat(),
    ...Object.values(TABLES).flatMap((table) => table.flatMap(([, wordings]) => wordings)),
  ].flatMap((w) => termsOf(w).map(termLiteral));
  // Wording literals in any case, cut short, beside the scanners' fragments, letters that lower-case oddly,
  // an astral letter (two UTF-16 units), a non-Latin digit and a non-ASCII space.
  const wordingText = fc
    .array(
      fc.oneof(
        fc
          .constantFrom(...LITERALS)
          .chain((literal) =>
            fc.constantFrom(literal, literal.toUpperCase(), literal.slice(1), literal.slice(0, -1)),
          ),
        fc.constantFrom(...FRAGMENTS),
        fc.constantFrom(
          "\u212a",
          "\u0130",
          "\u03a3",
          "\u00e9",
          "\ud800",
          "\u{1d400}",
          "\u0663",
          "\u3000",
          "\t",
          "\r\n",
        ),
        fc.string({ maxLength: 3 }),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(""));

  test("sets and tables answer as reading each wording straight off the text", () => {
    const rules = new TextRules();
    const sets = Object.entries(SETS).map(
      ([name, wordings]) => [name, wordings, rules.set(wordings)] as const,
    );
    const tables = Object.entries(TABLES).map(([name, table]) => [name, table, rules.table(table)] as const);
    const scanner = rules.scanner();
    fc.assert(
      fc.property(wordingText, (text) => {
        const scan = scanner.scan(text);
        const compiled = [
          ...sets.map(([name, , set]) => [name, scan.any(set)]),
          ...tables.map(([name, , table]) => [name, scan.first(table)]),
        ];
        const plain = [
          ...sets.map(([name, wordings]) => [name, wordings.some((w) => holdsPlainly(text, w))]),
          ...tables.map(([name, table]) => [
            name,
            table.find(([, wordings]) => wordings.some((w) => holdsPlainly(text, w)))?.[0],
          ]),
        ];
        expect(compiled).toEqual(plain);
      }),
      { numRuns: 3000 },
    );
  });

  test("a needle is found exactly when the lower-cased text holds it, whatever the needles overlap", () => {
    // A small alphabet, so needles overlap; upper case and é are never needles; the Kelvin sign lowers to k.
    const letters = fc.constantFrom("a", "b", "k", ":", " ", "'");
    const needle = fc.oneof(
      fc.string({ unit: letters, minLength: 1, maxLength: 5 }),
      fc.constantFrom("", "A", "bK", "\u00e9", "a\u00e9"),
    );
    const text = fc.string({
      unit: fc.constantFrom("a", "A", "b", "B", "k", "K", "\u212a", ":", " ", "'", "\u00e9", "\n"),
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(needle, { maxLength: 70 }),
        fc.array(text, { maxLength: 20 }),
        (needles, texts) => {
          const rules = new TextRules();
          const sets = needles.map((n) => rules.set([n]));
          const scanner = rules.scanner();
          for (const t of texts) {
            const scan = scanner.scan(t);
            expect(sets.map((set) => scan.any(set))).toEqual(needles.map((n) => t.toLowerCase().includes(n)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test("the first short texts, searched needle by needle, answer as the automaton does", () => {
    const answers = (scanner: TextScan, text: string) => {
      const scan = scanner.scan(text);
      return [...sets.map((set) => scan.any(set)), ...tables.map((table) => scan.first(table))];
    };
    const rules = new TextRules();
    const sets = Object.values(SETS).map((wordings) => rules.set(wordings));
    const tables = Object.values(TABLES).map((table) => rules.table(table));
    fc.assert(
      fc.property(fc.array(wordingText, { minLength: 1, maxLength: 8 }), (texts) => {
        const direct = rules.scanner();
        // A text past the direct search's length builds the automaton, which every later text then goes through.
        const automaton = rules.scanner();
        automaton.scan("x".repeat(5000));
        for (const text of texts) expect(answers(direct, text)).toEqual(answers(automaton, text));
      }),
      { numRuns: 500 },
    );
  });

  test("a text holding no literal of any wording is classified as the empty text", () => {
    const literals = [
      ...LITERALS,
      " enoent",
      "posix_spawn '",
      "status ",
      "exec format error",
      "context deadline",
    ];
    const none = noisyText.filter((text) => {
      const lower = text.toLowerCase();
      return !literals.some((literal) => lower.includes(literal.toLowerCase()));
    });
    fc.assert(
      fc.property(none, facts, (text, given) => {
        expect(classifyError(text, given)).toBe(classifyError("", given));
      }),
      { numRuns: 1000 },
    );
  });

  test("wordings added after the scanner is built are refused", () => {
    const rules = new TextRules();
    rules.set(["a"]);
    rules.scanner();
    expect(() => rules.set(["b"])).toThrow();
  });

  test.each<[string, string, ClassifyFacts | undefined, DiagnosticCode]>([
    [
      "the Kelvin sign lower-cases to k",
      "DOC\u212aER daemon is not running",
      undefined,
      "MCPX_DOCKER_DAEMON_DOWN",
    ],
    ["non-ASCII before a TLS word", "\u00e9chec: x509: unknown authority", undefined, "MCPX_HTTP_TLS_FAILED"],
    ["non-ASCII upper case before a TLS word", "\u00c9: X509: bad", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a dotted I is not an i", "\u0130nvalid config", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    [
      "non-ASCII around a spawn wording",
      "\u00e9 Error: spawn npx ENOENT \u00e9",
      stdio,
      "MCPX_STDIO_SPAWN_ENOENT",
    ],
    ["non-ASCII around a status", "\u00e9 status 503 \u00e9", { transport: "http" }, "MCPX_HTTP_5XX"],
    ["a word right after a non-ASCII letter", "\u00e9ENOTFOUND", undefined, "MCPX_UNKNOWN_UNCLASSIFIED"],
    ["a word right after a non-ASCII space", "\u00a0ENOTFOUND", undefined, "MCPX_HTTP_DNS_FAILED"],
  ])("%s", (_, text, given, expected) => {
    expect(classifyError(text, given)).toBe(expected);
  });

  test.each<[string, string, ClassifyFacts, DiagnosticCode]>([
    [
      "a non-ASCII start, a wording at the very end",
      `\u00e9${"a".repeat(10 * 1024 * 1024)}\nspawn docker ENOENT`,
      { dockerIsolated: true },
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    [
      "needles back to back",
      "docker.sock refresh status ".repeat(400_000),
      { transport: "http" },
      "MCPX_UNKNOWN_UNCLASSIFIED",
    ],
  ])("a 10 MB line of %s classifies without throwing", (_, text, given, expected) => {
    expect(classifyError(text, given)).toBe(expected);
  });
});
