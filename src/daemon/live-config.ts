// The config as the daemon runs on it: re-read when the file changes; a broken file keeps the last good one.
import { stat } from "node:fs/promises";
import type { Context } from "../context.ts";
import { decideForConfig, type OptOutDecision } from "../core/optout.ts";
import { printable } from "../core/printable.ts";
import { CliError } from "../errors.ts";
import { type LoadedConfig, loadConfig } from "../io/config-store.ts";
import type { onceLog } from "../io/log.ts";

export interface LiveConfig {
  readonly loaded: LoadedConfig;
  readonly decision: OptOutDecision;
  /** The key requests must carry: the config's, or the last one it had (a key removed by hand still works). */
  readonly apiKey: string;
  /** Re-reads the file when its size, time or inode changed. */
  refresh(): Promise<void>;
  /** A config read elsewhere (before a heartbeat) becomes the current one. */
  accept(loaded: LoadedConfig): void;
}

async function stampOf(path: string): Promise<string> {
  try {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

export async function liveConfig(
  ctx: Context,
  first: LoadedConfig,
  faults: ReturnType<typeof onceLog>,
): Promise<LiveConfig> {
  let loaded = first;
  let decision = decideForConfig(ctx, first.config);
  let apiKey = first.config.api_key ?? "";
  let stamp = await stampOf(ctx.configPath);
  const live: LiveConfig = {
    get loaded() {
      return loaded;
    },
    get decision() {
      return decision;
    },
    get apiKey() {
      return apiKey;
    },
    accept(next) {
      loaded = next;
      decision = decideForConfig(ctx, next.config);
      if (next.config.api_key) apiKey = next.config.api_key;
      faults.clear("config", `${ctx.configPath} reads well again; using it`);
    },
    async refresh() {
      const now = await stampOf(ctx.configPath);
      if (now === stamp) return;
      stamp = now;
      try {
        live.accept(await loadConfig(ctx.configPath));
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        faults.warn(
          "config",
          `${printable(error.message)}; running on the last good config until it is fixed`,
        );
      }
    },
  };
  return live;
}
