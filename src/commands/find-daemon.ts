// Which daemon a command may use: the one serving its data dir and config, found through the state file.
import type { Context } from "../context.ts";
import type { Config } from "../core/config-schema.ts";
import type { Daemon } from "../io/daemon-client.ts";
import { mayFindDaemon } from "../io/daemon-path.ts";

/**
 * The daemon, or null (then the command works offline). Without a state file nothing else is read; the
 * config, for its API key, only when one is there, and a config that cannot be read means offline.
 */
export async function daemonFor(ctx: Context, config?: Config): Promise<Daemon | null> {
  // No record, no daemon: the client and its valibot schemas load only when there is one to ask.
  if (!mayFindDaemon(ctx.dataDir)) return null;
  const { findDaemon } = await import("../io/daemon-client.ts");
  return findDaemon(ctx, async () => {
    if (config) return config.api_key;
    const { loadConfig } = await import("../io/config-store.ts");
    return (await loadConfig(ctx.configPath).catch(() => null))?.config.api_key;
  });
}
