// What the completion tests share: a fresh HOME with an optional config, the visible commands, a config with
// names a shell can and cannot take.
import { afterAll } from "bun:test";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { commands } from "../../src/commands/index.ts";
import { tempDir } from "./cli.ts";

/** A fresh HOME, optionally with a config. */
export async function home(config?: string): Promise<string> {
  const dir = await tempDir("mcpx-completion-home-");
  afterAll(() => rm(dir, { recursive: true, force: true }));
  if (config !== undefined) {
    await mkdir(join(dir, ".mcpproxy"));
    await writeFile(join(dir, ".mcpproxy/mcp_config.json"), config);
  }
  return dir;
}

export const visibleCommands = async () => {
  const names: string[] = [];
  for (const [name, load] of Object.entries(commands)) {
    const meta = (await load()).meta as { hidden?: boolean };
    if (!meta.hidden) names.push(name);
  }
  return names;
};

/** The `telemetry` group's visible subcommands as `name<TAB>description`, read from its definition. */
export const telemetryLines = async () => {
  const group = await (commands.telemetry as () => Promise<{ subCommands?: unknown }>)();
  type Sub = () => Promise<{ meta?: { hidden?: boolean; description?: string } }>;
  const lines: string[] = [];
  for (const [name, load] of Object.entries(group.subCommands as Record<string, Sub>)) {
    const meta = (await load()).meta;
    if (!meta?.hidden) lines.push(`${name}\t${meta?.description ?? ""}`);
  }
  return lines.sort();
};

export const telemetrySubcommands = async () =>
  (await telemetryLines()).map((line) => line.split("\t")[0] ?? "");

export const SERVERS = JSON.stringify({
  mcpServers: [
    { name: "github", protocol: "http", url: "https://api.github.com/mcp" },
    { name: "local-files", command: "npx" },
    null,
    { name: "has space" },
    { name: "\u001b[31mred" },
    { name: "semi;colon" },
    { protocol: "stdio" },
  ],
});
