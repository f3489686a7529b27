// `serve` up to its lock: the config, the listen address, the data dir, the one-daemon lock and the API key.
import { mkdir } from "node:fs/promises";
import type { Context } from "../context.ts";
import { newApiKey } from "../core/api-key.ts";
import type { HeartbeatTiming } from "../core/heartbeat-schedule.ts";
import { DEFAULT_LISTEN, isLoopbackHost, type ListenAddress, parseListen } from "../core/listen.ts";
import { printable } from "../core/printable.ts";
import { outcomeForExit } from "../core/startup-outcome.ts";
import { CliError } from "../errors.ts";
import { type LoadedConfig, loadConfig, updateConfig } from "../io/config-store.ts";
import { readDaemonFile } from "../io/daemon-file.ts";
import { KEEP_FRESH_EVERY_MS, LockBusy, withLock } from "../io/lock.ts";
import { join } from "../io/paths.ts";
import { fail, failWith, noteOutcome, StartFailure } from "./outcome.ts";

export interface ServeOptions {
  /** --listen, already checked; undefined: the config's `listen`, else 127.0.0.1:8080. */
  listen?: ListenAddress;
  allowRemote: boolean;
  timing: HeartbeatTiming;
  /** How often in-memory counts go to the store (and the config is looked at). */
  flushEveryMs: number;
}

function listenFrom(
  ctx: Context,
  loaded: LoadedConfig,
  options: ServeOptions,
): Promise<ListenAddress> | ListenAddress {
  if (options.listen) return options.listen;
  const text = loaded.config.listen?.trim() || DEFAULT_LISTEN;
  const address = parseListen(text);
  if (!address) {
    return fail(
      ctx,
      "config_error",
      `${ctx.configPath}: listen must be host:port, got ${JSON.stringify(printable(text))}`,
      "fix `listen` (e.g. 127.0.0.1:8080) or give --listen; the file was left as it is",
      false,
    );
  }
  if (!options.allowRemote && !isLoopbackHost(address.host)) {
    return fail(
      ctx,
      "config_error",
      `${ctx.configPath}: listen ${printable(text)} is reachable from other machines`,
      "give --allow-remote to mean it, or set listen to 127.0.0.1:PORT",
      false,
    );
  }
  return address;
}

/** The API key from the config, made and saved on the first start. */
async function ensureApiKey(ctx: Context, loaded: LoadedConfig): Promise<LoadedConfig> {
  if (loaded.config.api_key) return loaded;
  try {
    const config = await updateConfig(ctx.configPath, (fresh) =>
      fresh.api_key ? [] : [{ path: ["api_key"], value: newApiKey((b) => crypto.getRandomValues(b)) }],
    );
    return { ...loaded, exists: true, config };
  } catch (error) {
    return failWith(ctx, error, `cannot save a new API key in ${ctx.configPath}`);
  }
}

export async function runDaemon(ctx: Context, options: ServeOptions): Promise<void> {
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(ctx.configPath);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    // Never rewritten: the outcome (config_error for exit 4) goes to the data dir's state only.
    await noteOutcome(ctx, outcomeForExit(error.exitCode), false);
    throw error;
  }
  const address = await listenFrom(ctx, loaded, options);
  try {
    await mkdir(ctx.dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    await failWith(ctx, error, `cannot make the data dir ${ctx.dataDir}`);
  }
  let entered = false;
  try {
    // The daemon's own lock, held for its whole life and re-dated so it never ages into staleness.
    await withLock(
      join(ctx.dataDir, "daemon"),
      async () => {
        entered = true;
        const { runLocked } = await import("./run.ts");
        await runLocked(ctx, await ensureApiKey(ctx, loaded), address, options);
      },
      0,
      KEEP_FRESH_EVERY_MS,
    );
  } catch (error) {
    if (entered || error instanceof StartFailure) throw error;
    if (error instanceof LockBusy) {
      const other = await readDaemonFile(ctx.dataDir);
      await fail(
        ctx,
        "db_locked",
        `another mcpproxy serve${other ? ` (pid ${other.pid}, ${other.url})` : ""} holds the data dir ${ctx.dataDir}`,
        "stop it first, or give this one another --data-dir",
      );
    }
    await failWith(ctx, error, `cannot take the daemon lock in ${ctx.dataDir}`);
  }
}
