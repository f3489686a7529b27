// Persists the anonymous id: rotation decided in core, written under the config lock after a re-read.
import type { Config } from "../core/config-schema.ts";
import { type Identity, rotateIdentity } from "../core/identity.ts";
import { updateConfig } from "./config-store.ts";

export interface IdentityClock {
  now: () => Date;
  newId: () => string;
}

const current = (config: Config) => ({
  id: config.telemetry?.anonymous_id,
  createdAt: config.telemetry?.anonymous_id_created_at,
});

/**
 * The identity a payload built now carries, or null while telemetry is off. `telemetryOn` is the caller's
 * decision, asked again of the config re-read inside the lock. Two processes rotating at once end with one
 * id: the second re-reads inside the lock and finds it.
 */
export async function ensureIdentity(
  clock: IdentityClock,
  configPath: string,
  config: Config,
  telemetryOn: (config: Config) => boolean,
): Promise<Identity | null> {
  if (!telemetryOn(config)) return null;
  const now = clock.now();
  const outside = rotateIdentity(current(config), now, clock.newId);
  if (outside.change === "none") return outside.identity;
  let result: Identity | null = null;
  await updateConfig(configPath, (fresh) => {
    if (!telemetryOn(fresh)) return [];
    const inside = rotateIdentity(current(fresh), now, clock.newId);
    result = inside.identity;
    if (inside.change === "none") return [];
    return [
      { path: ["telemetry", "anonymous_id"], value: inside.identity.id },
      { path: ["telemetry", "anonymous_id_created_at"], value: inside.identity.createdAt },
    ];
  });
  return result;
}
