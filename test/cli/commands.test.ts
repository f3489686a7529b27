// Every command in the map: described, answers --help, and has a suite that runs it for real.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ArgsDef, CommandDef } from "citty";
import { commands } from "../../src/commands/index.ts";
import { cleanEnv, ROOT, run, SOURCE, tempDir } from "../support/cli.ts";

type Command = CommandDef<ArgsDef>;
const resolve = async <T>(v: unknown): Promise<T> => (typeof v === "function" ? v() : v) as T;

async function leaves(
  map: Record<string, unknown>,
  prefix: string[] = [],
): Promise<Array<[string[], Command]>> {
  const found: Array<[string[], Command]> = [];
  for (const [name, lazy] of Object.entries(map)) {
    const cmd = await resolve<Command>(lazy);
    const subs = await resolve<Record<string, unknown> | undefined>(cmd.subCommands);
    if (subs) found.push(...(await leaves(subs, [...prefix, name])));
    else found.push([[...prefix, name], cmd]);
  }
  return found;
}

// Where each command is exercised end to end; a new command must add its row.
const suites: Record<string, string> = {
  "telemetry status": "telemetry.test.ts",
  "telemetry enable": "telemetry.test.ts",
  "telemetry disable": "telemetry.test.ts",
  "telemetry show-payload": "telemetry.test.ts",
  "telemetry schema": "telemetry.test.ts",
  "telemetry send": "send.test.ts",
  "telemetry log": "trust.test.ts",
  "telemetry diff": "trust.test.ts",
  diagnose: "diagnose.test.ts",
  "diagnostics codes": "diagnostics-codes.test.ts",
  "docker source": "docker-source.test.ts",
  doctor: "doctor.test.ts",
  serve: "serve.test.ts",
  version: "telemetry.test.ts",
  completion: "completion.test.ts",
  complete: "completion.test.ts",
};

const all = await leaves(commands);

describe("the command map", () => {
  test("every command has a suite, and every suite row a command", () => {
    expect(all.map(([path]) => path.join(" ")).sort()).toEqual(Object.keys(suites).sort());
  });

  test.each(all.map(([path, cmd]) => [path.join(" "), cmd] as const))("%s", async (name, cmd) => {
    const meta = await resolve<{ name?: string; description?: string }>(cmd.meta);
    expect(meta.description?.length ?? 0).toBeGreaterThan(10);
    const suite = join(ROOT, "test/cli", suites[name] ?? "missing");
    expect(existsSync(suite)).toBe(true);
    // The suite must spawn the command: its argv literal starts with the whole command path.
    const argv = `[${name
      .split(" ")
      .map((word) => JSON.stringify(word))
      .join(", ")}`;
    expect(readFileSync(suite, "utf8")).toContain(argv);
    const help = await run(SOURCE, [...name.split(" "), "--help"], { env: cleanEnv(await tempDir()) });
    expect([help.code, help.stderr]).toEqual([0, ""]);
    expect(help.stdout).toContain(meta.description as string);
  });
});
