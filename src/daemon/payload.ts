// GET /api/v1/telemetry/payload: the next heartbeat as the daemon would send it, stored and in-memory counts alike.
import { collectPayload } from "../collect-payload.ts";
import { usageAt } from "../core/counters.ts";
import { decideForConfig } from "../core/optout.ts";
import { payloadBody } from "../core/payload.ts";
import { CliError } from "../errors.ts";
import { ensureIdentity } from "../io/identity-store.ts";
import { readStartupOutcome } from "../io/startup-store.ts";
import { type DaemonState, uptimeHours } from "./state.ts";

/** The exact bytes `telemetry show-payload` prints (one serializer for both). */
export async function daemonPayloadBody(d: DaemonState): Promise<string> {
  const { ctx } = d;
  const config = d.config.loaded.config;
  const telemetryOn = (fresh: typeof config) => decideForConfig(ctx, fresh).enabled;
  // As offline: showing what would be sent matters more than the id, which the next send saves again.
  const identity = await ensureIdentity(ctx, ctx.configPath, config, telemetryOn).catch((error) => {
    if (!(error instanceof CliError)) throw error;
    return null;
  });
  const payload = await collectPayload(ctx, {
    config,
    identity,
    usage: usageAt(await d.counts.snapshot(), ctx.now()),
    uptimeHours: uptimeHours(d),
    startupOutcome: await readStartupOutcome(ctx.dataDir),
  });
  return payloadBody(payload);
}
