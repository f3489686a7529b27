// The argument parser: which command argv names, and what each flag form parses to or why it is refused.
import { describe, expect, test } from "bun:test";
import type { ArgsDef } from "citty";
import { type AnyCommand, parseCommandArgs, resolveCommand } from "../src/args.ts";
import { CliError } from "../src/errors.ts";
import { globalArgs } from "../src/global-args.ts";

const defs = {
  ...globalArgs,
  text: { type: "positional", required: false, description: "text" },
  transport: { type: "enum", options: ["stdio", "http", "streamable-http"], description: "t" },
  errno: { type: "enum", options: ["ENOENT", "EACCES"], description: "e" },
  file: { type: "string", description: "f" },
  record: { type: "boolean", description: "r" },
} satisfies ArgsDef;

const leaf: AnyCommand = { meta: { name: "diagnose" }, args: defs, run: () => {} };
const noPositionals: AnyCommand = { meta: { name: "status" }, args: globalArgs, run: () => {} };
const root: AnyCommand = {
  meta: { name: "mcpproxy" },
  args: globalArgs,
  subCommands: {
    diagnose: leaf,
    telemetry: { meta: { name: "telemetry" }, subCommands: { status: noPositionals } },
  },
};

const parse = (raw: string[], cmd = leaf) =>
  parseCommandArgs(cmd, (cmd.args ?? {}) as ArgsDef, raw, [
    "mcpproxy",
    String((cmd.meta as { name: string }).name),
  ]);

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return `${error.message} | ${error.hint ?? ""}`;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("parseCommandArgs", () => {
  test.each([
    [[], { _: [] }],
    [["--json"], { _: [], json: true }],
    [["--json=true"], { _: [], json: true }],
    [["--json=false"], { _: [], json: false }],
    [["--no-json"], { _: [], json: false }],
    [["--no-color"], { _: [], "no-color": true, noColor: true }],
    [["-o", "json"], { _: [], output: "json" }],
    [["-o=table"], { _: [], output: "table" }],
    [["--output", " JSON "], { _: [], output: "json" }],
    [["--transport", "HTTP"], { _: [], transport: "http" }],
    [["--errno", "enoent"], { _: [], errno: "ENOENT" }],
    [["--file", "-"], { _: [], file: "-" }],
    [["--file=a=b"], { _: [], file: "a=b" }],
    [["hello", "world"], { _: ["hello", "world"], text: "hello" }],
    [["-"], { _: ["-"], text: "-" }],
    [["--", "--json", "-x"], { _: ["--json", "-x"], text: "--json" }],
    [["--data-dir", "/d"], { _: [], "data-dir": "/d", dataDir: "/d" }],
  ])("%j → %j", (raw, expected) => {
    expect(parse(raw)).toEqual(expected);
  });

  test.each([
    [
      ["--bogus"],
      'unknown flag "--bogus" for "mcpproxy diagnose" | run `mcpproxy diagnose --help` for usage',
    ],
    [
      ["-o", "yaml"],
      'unknown value "yaml" for -o | use one of: json, table; run `mcpproxy diagnose --help` for usage',
    ],
    [
      ["--transport=pigeon"],
      'unknown value "pigeon" for --transport | use one of: stdio, http, streamable-http; run `mcpproxy diagnose --help` for usage',
    ],
    [["--json=no"], '--json takes no value, got "no" | run `mcpproxy diagnose --help` for usage'],
    [["--file"], 'flag "--file" needs a value | run `mcpproxy diagnose --help` for usage'],
    [
      ["--no-file"],
      'unknown flag "--no-file" for "mcpproxy diagnose" | run `mcpproxy diagnose --help` for usage',
    ],
    [
      ["-bash: docker: command not found"],
      'unknown flag "-bash:": text that starts with "-" is read as a flag | put the text after --: mcpproxy diagnose -- "-bash: docker: command not found", or pipe it in: … | mcpproxy diagnose -',
    ],
  ])("%j is refused", (raw, expected) => {
    expect(refusal(() => parse(raw))).toBe(expected);
  });

  test("a command without positionals refuses a stray argument", () => {
    expect(refusal(() => parse(["extra"], noPositionals))).toBe(
      'unexpected argument "extra" for "mcpproxy status" | run `mcpproxy status --help` for usage',
    );
  });
});

describe("resolveCommand", () => {
  test.each([
    [["diagnose", "x"], ["mcpproxy", "diagnose"], ["x"], false, false],
    [["--json", "telemetry", "status"], ["mcpproxy", "telemetry", "status"], ["--json"], false, false],
    [
      ["telemetry", "--config", "c", "status"],
      ["mcpproxy", "telemetry", "status"],
      ["--config", "c"],
      false,
      false,
    ],
    [["telemetry", "status", "--help"], ["mcpproxy", "telemetry", "status"], [], true, false],
    [["telemetry", "-v"], ["mcpproxy", "telemetry"], [], false, true],
    [["diagnose", "--", "--version"], ["mcpproxy", "diagnose"], ["--", "--version"], false, false],
  ])("%j", async (argv, names, rawArgs, help, version) => {
    const resolved = await resolveCommand(root, argv);
    expect({
      names: resolved.names,
      rawArgs: resolved.rawArgs,
      help: resolved.help,
      version: resolved.version,
    }).toEqual({ names, rawArgs, help, version });
  });

  test("an unknown command lists the known ones", async () => {
    await expect(resolveCommand(root, ["telemetry", "nope"])).rejects.toThrow(
      'unknown command "nope" for "mcpproxy telemetry"',
    );
    await expect(resolveCommand(root, ["toString"])).rejects.toThrow('unknown command "toString"');
  });

  test("the hint lists the commands, not the hidden ones", async () => {
    const hidden: AnyCommand = { meta: { name: "complete", hidden: true }, run: () => {} };
    const withHidden: AnyCommand = { ...root, subCommands: { diagnose: leaf, complete: hidden } };
    const error = await resolveCommand(withHidden, ["nope"]).catch((e: CliError) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).hint).toBe("available: diagnose");
  });
});
