// The yardstick: the least a `telemetry show-payload` can cost in compiled Bun, with no project code.
// Reads env and HOME, reads and validates the config, checks the counters file and /.dockerenv, prints a
// small JSON payload. scripts/bench/run.ts compiles it with the binary's flags and times it against the floor.
import { join } from "node:path";
import * as v from "valibot";

const Config = v.object({
  mcpServers: v.optional(v.array(v.object({ name: v.string(), enabled: v.optional(v.boolean()) }))),
  telemetry: v.optional(
    v.object({
      enabled: v.optional(v.boolean()),
      anonymous_id: v.optional(v.string()),
      endpoint: v.optional(v.string()),
    }),
  ),
});

const home = process.env.HOME ?? "/";
const dir = join(home, ".mcpproxy");
const config = v.parse(Config, JSON.parse(await Bun.file(join(dir, "mcp_config.json")).text()));
const [counters, container] = await Promise.all([
  Bun.file(join(dir, "telemetry-counters.json")).exists(),
  Bun.file("/.dockerenv").exists(),
]);
const servers = config.mcpServers ?? [];
const payload = {
  anonymous_id: config.telemetry?.anonymous_id ?? null,
  os: process.platform,
  arch: process.arch,
  runtime_version: `bun ${Bun.version}`,
  server_count: servers.length,
  enabled_server_count: servers.filter((s) => s.enabled !== false).length,
  has_counters: counters,
  in_container: container,
  timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
};
await Bun.write(Bun.stdout, `${JSON.stringify(payload, null, 2)}\n`);
