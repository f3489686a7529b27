// What each MCPX_* code means to the user: severity, message, fix steps and docs page.
import type { CatalogEntry, FixStep } from "./catalog-schema.ts";
import { DIAGNOSTIC_CODES, type DiagnosticCode, normaliseCodeName } from "./codes.ts";

export type { CatalogEntry, FixStep } from "./catalog-schema.ts";

const DOCS_BASE = "https://docs.mcpproxy.app/errors/";

const command = (label: string, cmd: string, destructive?: true): FixStep =>
  destructive
    ? { type: "command", label, command: cmd, destructive }
    : { type: "command", label, command: cmd };
const link = (label: string, url: string): FixStep => ({ type: "link", label, url });
const button = (label: string, fixer_key: string): FixStep => ({ type: "button", label, fixer_key });

function define(
  code: DiagnosticCode,
  severity: CatalogEntry["severity"],
  user_message: string,
  fix_steps: FixStep[],
): CatalogEntry {
  return { code, severity, user_message, fix_steps, docs_url: `${DOCS_BASE}${code}` };
}

const login = command("Sign in to the server again", "mcpproxy auth login --server <name>");
const editServer = button("Edit this server's settings", "edit_server_config");
const serverLog = button("Open this server's log", "open_server_log");
const runByHand = command("Run the server's command yourself to see its own error", "<command> <args…>");

export const CATALOG: Record<DiagnosticCode, CatalogEntry> = {
  MCPX_STDIO_SPAWN_ENOENT: define(
    "MCPX_STDIO_SPAWN_ENOENT",
    "error",
    "The program this server is set to run could not be found, so the server never started. It may be misspelled, not installed, or not on the PATH the proxy sees.",
    [
      command("Check that the command resolves in a terminal", "command -v <command>"),
      editServer,
      link("Install uv (provides uvx)", "https://docs.astral.sh/uv/getting-started/installation/"),
      link("Install Node.js (provides npx)", "https://nodejs.org/en/download"),
    ],
  ),
  MCPX_STDIO_SPAWN_EACCES: define(
    "MCPX_STDIO_SPAWN_EACCES",
    "error",
    "The server's program exists, but the proxy is not allowed to run it. The file is probably not marked executable, or it sits in a folder your user cannot open.",
    [
      command("Look at the program's owner and permissions", "ls -l <path>"),
      command("Mark the program as executable", "chmod +x <path>"),
    ],
  ),
  MCPX_STDIO_SPAWN_EXEC_FORMAT: define(
    "MCPX_STDIO_SPAWN_EXEC_FORMAT",
    "error",
    "The server's program is not something this computer can run. It was built for another processor or system, or it is a script without a shebang (#!/usr/bin/env …) first line.",
    [
      command("See what kind of file the program is", "file <path>"),
      command("See this computer's processor type", "uname -m"),
    ],
  ),
  MCPX_STDIO_EXIT_NONZERO: define(
    "MCPX_STDIO_EXIT_NONZERO",
    "error",
    "The server started and then quit with an error. Its own output usually says why.",
    [serverLog, runByHand],
  ),
  MCPX_STDIO_EXIT_BEFORE_INITIALIZE: define(
    "MCPX_STDIO_EXIT_BEFORE_INITIALIZE",
    "error",
    "The server started but quit before finishing the MCP handshake. It often stops at startup because a setting, API key or dependency is missing.",
    [serverLog, runByHand],
  ),
  MCPX_STDIO_HANDSHAKE_TIMEOUT: define(
    "MCPX_STDIO_HANDSHAKE_TIMEOUT",
    "error",
    "The server started but did not answer the MCP initialize request in time. On a first run it may still be downloading packages, or it may be waiting for input.",
    [
      command("Run the command once yourself so its packages finish downloading", "<command> <args…>"),
      button("Restart the server", "restart_server"),
    ],
  ),
  MCPX_STDIO_HANDSHAKE_INVALID: define(
    "MCPX_STDIO_HANDSHAKE_INVALID",
    "error",
    "The server answered, but not with valid MCP messages. Something is probably printing logs or a banner on standard output, where only protocol messages belong.",
    [
      serverLog,
      link(
        "Read how the stdio transport works",
        "https://modelcontextprotocol.io/specification/2025-06-18/basic/transports",
      ),
    ],
  ),

  // A warning, not an error: signing in is a setup step, not a fault.
  MCPX_OAUTH_LOGIN_REQUIRED: define(
    "MCPX_OAUTH_LOGIN_REQUIRED",
    "warn",
    "This server needs you to sign in before the proxy can use it. This is a one-time setup step.",
    [
      command("Sign in to the server", "mcpproxy auth login --server <name>"),
      button("Sign in", "oauth_login"),
    ],
  ),
  MCPX_OAUTH_REAUTH_REQUIRED: define(
    "MCPX_OAUTH_REAUTH_REQUIRED",
    "error",
    "The server no longer accepts your saved sign-in. Sign in again to keep using it.",
    [login, button("Sign in again", "oauth_login")],
  ),
  MCPX_OAUTH_REFRESH_EXPIRED: define(
    "MCPX_OAUTH_REFRESH_EXPIRED",
    "error",
    "Your saved sign-in for this server has expired and could not be renewed on its own. Sign in again to continue.",
    [login],
  ),
  MCPX_OAUTH_REFRESH_403: define(
    "MCPX_OAUTH_REFRESH_403",
    "error",
    "The server refused to renew your saved sign-in. Access may have been revoked, or the app's permissions changed on the provider's side.",
    [login, editServer],
  ),
  MCPX_OAUTH_DISCOVERY_FAILED: define(
    "MCPX_OAUTH_DISCOVERY_FAILED",
    "error",
    "The proxy could not find this server's sign-in settings (its OAuth metadata). The server URL may be wrong, or the server may not offer OAuth at that address.",
    [
      command(
        "Check that the server publishes OAuth metadata",
        "curl -i <server-url>/.well-known/oauth-authorization-server",
      ),
      editServer,
    ],
  ),
  MCPX_OAUTH_CALLBACK_TIMEOUT: define(
    "MCPX_OAUTH_CALLBACK_TIMEOUT",
    "error",
    "The sign-in was not finished in time, so the browser never came back to the proxy. Start it again and complete it in the browser window that opens.",
    [login],
  ),
  MCPX_OAUTH_CALLBACK_MISMATCH: define(
    "MCPX_OAUTH_CALLBACK_MISMATCH",
    "error",
    "The sign-in provider rejected the address the proxy asked it to return to. The redirect URI registered for this app does not match the one the proxy sends.",
    [editServer, login],
  ),

  MCPX_HTTP_DNS_FAILED: define(
    "MCPX_HTTP_DNS_FAILED",
    "error",
    "The server's host name could not be found. Check the URL for typos, and check that you are online.",
    [command("Look the host name up", "nslookup <host>"), editServer],
  ),
  MCPX_HTTP_TLS_FAILED: define(
    "MCPX_HTTP_TLS_FAILED",
    "error",
    "A secure connection to the server failed because its certificate was not trusted or did not match its name. Self-signed or expired certificates and company proxies that inspect traffic cause this.",
    [
      command(
        "Show the certificate the server presents",
        "openssl s_client -connect <host>:443 -servername <host>",
      ),
      command("Try the connection with details", "curl -v <server-url>"),
    ],
  ),
  MCPX_HTTP_401: define(
    "MCPX_HTTP_401",
    "error",
    "The server turned the request away because it carries no valid credentials. Add or renew the API key or token for this server.",
    [editServer, login],
  ),
  MCPX_HTTP_403: define(
    "MCPX_HTTP_403",
    "error",
    "The server knows who you are but refuses access. Your token may lack a permission or scope this server needs.",
    [editServer, login],
  ),
  MCPX_HTTP_404: define(
    "MCPX_HTTP_404",
    "error",
    "Nothing answered at this server's URL. The path is probably wrong; many servers expect /mcp or /sse at the end.",
    [command("See what the URL returns", "curl -i <server-url>"), editServer],
  ),
  MCPX_HTTP_5XX: define(
    "MCPX_HTTP_5XX",
    "error",
    "The server hit an internal error (HTTP 5xx). The fault is on the server's side: retry later, or tell the people who run it.",
    [
      button("Retry the connection", "retry_connection"),
      command("See what the URL returns", "curl -i <server-url>"),
    ],
  ),
  MCPX_HTTP_CONN_REFUSED: define(
    "MCPX_HTTP_CONN_REFUSED",
    "error",
    "Nothing is listening at the server's address, so the connection was refused. The server may not be running, or the port in the URL may be wrong.",
    [command("See whether anything listens on that port", "lsof -i :<port>"), editServer],
  ),
  MCPX_HTTP_TIMEOUT: define(
    "MCPX_HTTP_TIMEOUT",
    "error",
    "The server did not answer in time. It may be overloaded, or a firewall may be dropping the connection without a word.",
    [
      command("Time a request to the server", "curl -i --max-time 30 <server-url>"),
      button("Retry the connection", "retry_connection"),
    ],
  ),

  MCPX_DOCKER_DAEMON_DOWN: define(
    "MCPX_DOCKER_DAEMON_DOWN",
    "error",
    "Docker is installed but its engine is not running, so servers isolated in Docker cannot start. Start Docker Desktop, or the docker service on Linux.",
    [
      command("Check whether the Docker engine answers", "docker info"),
      command("Start the Docker service (Linux)", "sudo systemctl start docker"),
    ],
  ),
  MCPX_DOCKER_IMAGE_PULL_FAILED: define(
    "MCPX_DOCKER_IMAGE_PULL_FAILED",
    "error",
    "Docker could not download the image this server needs. The image name or tag may be wrong, the registry may need a login, or a credential helper such as docker-credential-desktop is missing from the PATH.",
    [
      command("Try the download yourself", "docker pull <image>"),
      command("Log in to the registry", "docker login <registry>"),
    ],
  ),
  MCPX_DOCKER_NO_PERMISSION: define(
    "MCPX_DOCKER_NO_PERMISSION",
    "error",
    "Your user is not allowed to talk to the Docker engine. On Linux, add yourself to the docker group, then log out and back in.",
    [
      command("Add your user to the docker group", "sudo usermod -aG docker $USER"),
      command("Use the new group in this shell without logging out", "newgrp docker"),
    ],
  ),
  MCPX_DOCKER_SNAP_APPARMOR: define(
    "MCPX_DOCKER_SNAP_APPARMOR",
    "error",
    "Docker installed as a snap is stopped by AppArmor from running this container. Docker from Docker's own packages does not have this limit.",
    [
      link("Install Docker Engine from Docker's packages", "https://docs.docker.com/engine/install/"),
      command("Remove the snap version of Docker", "sudo snap remove docker", true),
    ],
  ),
  MCPX_DOCKER_CLI_NOT_FOUND: define(
    "MCPX_DOCKER_CLI_NOT_FOUND",
    "error",
    "The docker program could not be found on the PATH the proxy sees, even if Docker is installed. Docker Desktop without its command-line shim, or a proxy started as a login item with a short PATH, both cause this.",
    [
      command("See where the proxy looks for docker", "mcpproxy docker source"),
      command("Find docker in your own shell", "command -v docker"),
      link("Install Docker", "https://docs.docker.com/get-started/get-docker/"),
    ],
  ),
  MCPX_DOCKER_EXEC_NOT_FOUND: define(
    "MCPX_DOCKER_EXEC_NOT_FOUND",
    "error",
    "The container started, but the program the server needs is not in its image: for example uvx is missing in python:3.11. Use an image that ships the interpreter, or install it in the image.",
    [
      command("Check whether the image has the program", "docker run --rm <image> which <command>"),
      link("Use uv inside a Docker image", "https://docs.astral.sh/uv/guides/integration/docker/"),
    ],
  ),
  MCPX_DOCKER_OCI_RUNTIME: define(
    "MCPX_DOCKER_OCI_RUNTIME",
    "error",
    "Docker's container runtime failed to start the container. A common cause is an image built for another processor, such as an amd64-only image on an Apple Silicon Mac.",
    [
      command(
        "See which processor the image was built for",
        "docker image inspect --format '{{.Architecture}}' <image>",
      ),
      command("See this computer's processor type", "uname -m"),
    ],
  ),

  // A warning: the config still loads, the field just needs renaming.
  MCPX_CONFIG_DEPRECATED_FIELD: define(
    "MCPX_CONFIG_DEPRECATED_FIELD",
    "warn",
    "Your config uses a setting that has been renamed or retired. It still loads, but the setting should be updated.",
    [button("Open the config file", "open_config")],
  ),
  MCPX_CONFIG_PARSE_ERROR: define(
    "MCPX_CONFIG_PARSE_ERROR",
    "error",
    "The config file could not be read: it is not valid JSON, or a setting has the wrong kind of value. The message names the line and column to fix.",
    [
      command("Show where the JSON breaks", "jq . ~/.mcpproxy/mcp_config.json"),
      button("Open the config file", "open_config"),
    ],
  ),
  MCPX_CONFIG_MISSING_SECRET: define(
    "MCPX_CONFIG_MISSING_SECRET",
    "error",
    "The config refers to a secret, such as an API key in the keychain or an environment variable, that could not be found. Add the secret or fix its name.",
    [
      command("Check that the environment variable is set", "printenv <NAME>"),
      button("Open the config file", "open_config"),
    ],
  ),

  // A warning: quarantine is the proxy holding a server back on purpose until you approve it.
  MCPX_QUARANTINE_PENDING_APPROVAL: define(
    "MCPX_QUARANTINE_PENDING_APPROVAL",
    "warn",
    "This server is in quarantine: its tools stay blocked until you review and approve it.",
    [button("Review the server", "review_quarantine")],
  ),
  MCPX_QUARANTINE_TOOL_CHANGED: define(
    "MCPX_QUARANTINE_TOOL_CHANGED",
    "error",
    "A tool on this server changed its description or inputs after you approved it, so it is blocked until you approve it again. Review the change first: an unexpected change can mean the tool turned malicious.",
    [button("Review the changed tool", "review_quarantine")],
  ),

  MCPX_NETWORK_PROXY_MISCONFIG: define(
    "MCPX_NETWORK_PROXY_MISCONFIG",
    "error",
    "The connection went through an HTTP proxy that refused it or could not be reached. Check the HTTP_PROXY and HTTPS_PROXY settings and the proxy's credentials.",
    [command("Show the proxy settings in your environment", "env | grep -i _proxy")],
  ),
  MCPX_NETWORK_OFFLINE: define(
    "MCPX_NETWORK_OFFLINE",
    "error",
    "This computer could not reach the network the server is on. Check that you are online, and that your VPN is connected if the server is on a private network.",
    [command("Check that the internet is reachable", "ping -c 3 1.1.1.1")],
  ),

  MCPX_UNKNOWN_UNCLASSIFIED: define(
    "MCPX_UNKNOWN_UNCLASSIFIED",
    "error",
    "The proxy could not match this error to a known problem. The full error text and the server's log are the best place to start.",
    [
      command("Run the local health checks", "mcpproxy doctor"),
      serverLog,
      link("Report the error", "https://github.com/smart-mcp-proxy/mcpproxy-go/issues"),
    ],
  ),
};

export function catalogEntry(code: DiagnosticCode): CatalogEntry {
  return CATALOG[code];
}

const PREFIX = "MCPX_";
const bare = (code: string) => (code.startsWith(PREFIX) ? code.slice(PREFIX.length) : code);
const tokens = (name: string) => name.split(/[^A-Z0-9]+/).filter((token) => token !== "");

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

// For "did you mean": codes sharing the most words with the input first, then the fewest edits.
export function closestCodes(input: string, limit = 3): DiagnosticCode[] {
  // A code is short; capping the input keeps the edit distance cheap whatever is typed.
  const wanted = bare(normaliseCodeName(String(input).slice(0, 64)));
  if (wanted === "" || !(limit > 0)) return [];
  const wantedTokens = new Set(tokens(wanted));
  const ranked = DIAGNOSTIC_CODES.map((code, order) => {
    const name = bare(code);
    return {
      code,
      order,
      shared: tokens(name).filter((token) => wantedTokens.has(token)).length,
      distance: editDistance(wanted, name),
    };
  })
    .filter((c) => c.shared > 0 || c.distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => b.shared - a.shared || a.distance - b.distance || a.order - b.order);
  return ranked.slice(0, limit).map((c) => c.code);
}
