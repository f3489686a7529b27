import { describe, expect, test } from "bun:test";
import { validateConfig } from "../../src/core/config-schema.ts";
import { isDockerCommand, wouldIsolate } from "../../src/core/isolation.ts";
import { oauthProviderType, protocolKind, serverFacts } from "../../src/core/servers.ts";

const config = (doc: unknown) => {
  const result = validateConfig(doc);
  if (!result.ok) throw new Error(result.problem);
  return result.config;
};

describe("oauthProviderType", () => {
  test.each([
    ["https://accounts.google.com/o/oauth2", "google"],
    ["https://oauth2.googleapis.com/token", "google"],
    ["https://GITHUB.COM/login", "github"],
    ["https://api.github.com:8443/x", "github"],
    ["https://user:pw@github.com/", "github"],
    ["https://login.microsoftonline.com/tenant", "microsoft"],
    ["https://login.live.com", "microsoft"],
    ["https://graph.microsoft.com/", "microsoft"],
    ["https://github.com.example.net/", "generic"],
    ["https://notgithub.com/", "generic"],
    ["https://example.com/github.com", "generic"],
    ["https://example.com/?next=google.com", "generic"],
    ["not a url", "generic"],
    ["github.com", "generic"],
    ["", "generic"],
    [undefined, "generic"],
  ])("%p → %s", (url, expected) => {
    expect(oauthProviderType(url)).toBe(expected as never);
  });
});

describe("protocolKind", () => {
  test.each([
    ["stdio", "stdio"],
    [" STDIO ", "stdio"],
    ["http", "http"],
    ["SSE", "sse"],
    ["streamable-http", "streamable_http"],
    ["streamable_http", "streamable_http"],
    ["StreamableHTTP", "streamable_http"],
    ["", "auto"],
    [undefined, "auto"],
    ["websocket", "auto"],
  ])("%p → %s", (protocol, expected) => {
    expect(protocolKind(protocol)).toBe(expected as never);
  });
});

describe("wouldIsolate", () => {
  const on = { docker_isolation: { enabled: true } };
  test.each([
    ["isolation on, enabled stdio server", on, { enabled: true, command: "uvx" }, true],
    ["global switch off", {}, { enabled: true, command: "uvx" }, false],
    ["server without enabled key", on, { command: "uvx" }, false],
    ["server disabled", on, { enabled: false, command: "uvx" }, false],
    ["server opts out", on, { enabled: true, command: "uvx", isolation: { enabled: false } }, false],
    ["server isolation null", on, { enabled: true, command: "uvx", isolation: { enabled: null } }, true],
    ["no command", on, { enabled: true, url: "https://x" }, false],
    ["blank command", on, { enabled: true, command: "  " }, false],
    ["docker itself", on, { enabled: true, command: "/usr/local/bin/docker" }, false],
    ["docker-compose", on, { enabled: true, command: "docker-compose" }, false],
    ["Docker.exe", on, { enabled: true, command: "C:\\Program Files\\Docker\\Docker.exe" }, false],
    ["docker in a folder name", on, { enabled: true, command: "/opt/docker-tools/bin/uvx" }, true],
    ["windows folder", on, { enabled: true, command: "C:\\Tools\\docker-helpers\\uvx.exe" }, true],
  ])("%s", (_name, top, server, expected) => {
    const cfg = config({ ...top, mcpServers: [server] });
    expect(wouldIsolate(cfg, cfg.mcpServers?.[0] as never)).toBe(expected);
  });
  test("isDockerCommand looks at the base name only", () => {
    expect([
      isDockerCommand("docker"),
      isDockerCommand("/docker/bin/node"),
      isDockerCommand("DOCKER"),
    ]).toEqual([true, false, true]);
  });
});

describe("serverFacts", () => {
  test("counts every server, enabled or not, and de-duplicates providers", () => {
    const cfg = config({
      docker_isolation: { enabled: true },
      mcpServers: [
        { name: "a", protocol: "stdio", command: "npx", enabled: true },
        { name: "b", protocol: "http", url: "https://api.github.com/mcp", oauth: {} },
        { name: "c", protocol: "streamable-http", url: "https://mcp.github.com", oauth: { client_id: "x" } },
        { name: "d", url: "https://example.com", oauth: null },
        { name: "e", protocol: "sse", url: "https://login.live.com", oauth: {}, enabled: false },
        { name: "f", command: "uvx", enabled: true, oauth: {} },
      ],
    });
    expect(serverFacts(cfg)).toEqual({
      serverCount: 6,
      oauthProviderTypes: ["generic", "github", "microsoft"],
      protocolCounts: { stdio: 1, http: 1, sse: 1, streamable_http: 1, auto: 2 },
      dockerIsolatedCount: 2,
    });
  });
  test("no servers", () => {
    expect(serverFacts(config({}))).toEqual({
      serverCount: 0,
      oauthProviderTypes: [],
      protocolCounts: { stdio: 0, http: 0, sse: 0, streamable_http: 0, auto: 0 },
      dockerIsolatedCount: 0,
    });
  });
});
