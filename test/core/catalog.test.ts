import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { CATALOG, catalogEntry, closestCodes } from "../../src/core/catalog.ts";
import { CatalogEntrySchema } from "../../src/core/catalog-schema.ts";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../../src/core/codes.ts";

const sentences = (text: string) => text.split(/[.!?](?:\s|$)/).filter((part) => part.trim() !== "");

describe("CATALOG", () => {
  test("holds exactly the codes of DIAGNOSTIC_CODES, in the same order", () => {
    expect(Object.keys(CATALOG)).toEqual([...DIAGNOSTIC_CODES]);
  });

  test.each([...DIAGNOSTIC_CODES])("%s validates, with a message, a fix step and its docs URL", (code) => {
    const entry = CATALOG[code];
    const parsed = v.safeParse(CatalogEntrySchema, entry);
    expect(parsed.issues).toBeUndefined();
    expect(parsed.success).toBe(true);
    expect(entry.code).toBe(code);
    expect(entry.docs_url).toBe(`https://docs.mcpproxy.app/errors/${code}`);
    expect(entry.fix_steps.length).toBeGreaterThanOrEqual(1);
    expect(sentences(entry.user_message).length).toBeGreaterThanOrEqual(1);
    expect(sentences(entry.user_message).length).toBeLessThanOrEqual(2);
  });

  test.each([...DIAGNOSTIC_CODES])("%s: every fix step carries what its type needs", (code) => {
    for (const step of CATALOG[code].fix_steps) {
      const shape = {
        type: step.type,
        hasCommand: step.command !== undefined,
        hasUrl: step.url !== undefined,
        hasFixer: step.fixer_key !== undefined,
      };
      const expected = {
        type: step.type,
        hasCommand: step.type === "command",
        hasUrl: step.type === "link",
        hasFixer: step.type === "button",
      };
      expect(shape).toEqual(expected);
      if (step.url !== undefined) expect(step.url.startsWith("https://")).toBe(true);
    }
  });

  test("severities: error unless the entry says why not", () => {
    const notErrors = Object.values(CATALOG)
      .filter((entry) => entry.severity !== "error")
      .map((entry) => [entry.code, entry.severity]);
    expect(notErrors).toEqual([
      ["MCPX_OAUTH_LOGIN_REQUIRED", "warn"],
      ["MCPX_CONFIG_DEPRECATED_FIELD", "warn"],
      ["MCPX_QUARANTINE_PENDING_APPROVAL", "warn"],
    ]);
  });

  test.each<[DiagnosticCode, string]>([
    ["MCPX_OAUTH_LOGIN_REQUIRED", "mcpproxy auth login --server <name>"],
    ["MCPX_OAUTH_REAUTH_REQUIRED", "mcpproxy auth login --server <name>"],
    ["MCPX_DOCKER_DAEMON_DOWN", "docker info"],
    ["MCPX_DOCKER_NO_PERMISSION", "sudo usermod -aG docker $USER"],
    ["MCPX_DOCKER_CLI_NOT_FOUND", "mcpproxy docker source"],
  ])("%s offers the command %s", (code, command) => {
    const commands = CATALOG[code].fix_steps.flatMap((step) =>
      step.command === undefined ? [] : [step.command],
    );
    expect(commands).toContain(command);
  });

  test.each<[DiagnosticCode, string[]]>([
    ["MCPX_DOCKER_CLI_NOT_FOUND", ["PATH the proxy sees", "Docker Desktop", "shim", "login item"]],
    ["MCPX_DOCKER_EXEC_NOT_FOUND", ["uvx", "python:3.11", "image"]],
    ["MCPX_DOCKER_OCI_RUNTIME", ["runtime", "another processor"]],
  ])("%s says concretely what went wrong", (code, words) => {
    const message = CATALOG[code].user_message;
    expect(words.filter((word) => !message.includes(word))).toEqual([]);
  });

  test("the snap removal is marked destructive", () => {
    const removal = CATALOG.MCPX_DOCKER_SNAP_APPARMOR.fix_steps.find((step) =>
      step.command?.includes("snap remove"),
    );
    expect(removal?.destructive).toBe(true);
  });
});

describe("CatalogEntrySchema", () => {
  const good = CATALOG.MCPX_HTTP_404;
  test.each<[string, unknown]>([
    ["an unknown code", { ...good, code: "MCPX_NOPE" }],
    ["an unknown severity", { ...good, severity: "fatal" }],
    ["an empty message", { ...good, user_message: "" }],
    ["no fix steps", { ...good, fix_steps: [] }],
    ["a step of an unknown type", { ...good, fix_steps: [{ type: "popup", label: "x" }] }],
    ["a link that is not a URL", { ...good, fix_steps: [{ type: "link", label: "x", url: "docs" }] }],
    ["a docs URL elsewhere", { ...good, docs_url: "https://example.com/errors/MCPX_HTTP_404" }],
    ["an extra key", { ...good, extra: true }],
  ])("rejects %s", (_, entry) => {
    expect(v.safeParse(CatalogEntrySchema, entry).success).toBe(false);
  });
});

describe("catalogEntry", () => {
  test.each([...DIAGNOSTIC_CODES])("%s is the table's entry", (code) => {
    expect(catalogEntry(code)).toBe(CATALOG[code]);
  });
});

describe("closestCodes", () => {
  test.each<[string, number | undefined, DiagnosticCode[]]>([
    [
      "MCPX_STDIO_SPAWN_ENOET",
      undefined,
      ["MCPX_STDIO_SPAWN_ENOENT", "MCPX_STDIO_SPAWN_EACCES", "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
    ],
    [
      "stdio_spawn_enoent",
      undefined,
      ["MCPX_STDIO_SPAWN_ENOENT", "MCPX_STDIO_SPAWN_EACCES", "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
    ],
    ["mcpx_http_401", undefined, ["MCPX_HTTP_401", "MCPX_HTTP_403", "MCPX_HTTP_404"]],
    ["mcpx-http-5xx", 1, ["MCPX_HTTP_5XX"]],
    ["DOCKER_DEAMON_DOWN", 1, ["MCPX_DOCKER_DAEMON_DOWN"]],
    ["  oauth login ", 1, ["MCPX_OAUTH_LOGIN_REQUIRED"]],
    ["enoent", undefined, ["MCPX_STDIO_SPAWN_ENOENT"]],
    ["unknown", undefined, ["MCPX_UNKNOWN_UNCLASSIFIED"]],
    ["xyzzy", undefined, []],
    ["", undefined, []],
    ["MCPX_", undefined, []],
    ["MCPX_HTTP_401", 0, []],
  ])("%p (limit %p) → %p", (input, limit, expected) => {
    expect(closestCodes(input, limit)).toEqual(expected);
  });

  test("a very long input stays cheap and answers", () => {
    expect(closestCodes(`MCPX_HTTP_404_${"X".repeat(100_000)}`, 1)).toEqual(["MCPX_HTTP_404"]);
    expect(closestCodes("Q".repeat(100_000))).toEqual([]);
  });
});
