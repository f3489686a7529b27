// The one-time opt-out beacon: after `telemetry disable` turns an enabled install off, tell the collector once.
import type { Context } from "./context.ts";
import type { Config } from "./core/config-schema.ts";
import { endpointOf } from "./core/endpoint.ts";
import { heartbeatUrl, isReleaseVersion } from "./core/send-gates.ts";

// Best effort: a short wait and no retries, so `disable` never hangs on a collector that is down.
const BEACON_TIMEOUT_MS = 3_000;

/** Sends `{"event":"telemetry_disabled","anonymous_id":…}`; returns whether a collector took it (2xx). */
export async function sendOptOutBeacon(ctx: Context, before: Config): Promise<boolean> {
  const id = before.telemetry?.anonymous_id ?? "";
  const target = heartbeatUrl(endpointOf(before));
  // Nothing was ever reported without an id or from a non-release build, so there is nothing to retract.
  if (id === "" || !target.ok || !isReleaseVersion(ctx.version)) return false;
  const { postHeartbeat } = await import("./io/heartbeat-post.ts");
  const body = JSON.stringify({ event: "telemetry_disabled", anonymous_id: id });
  const outcome = await postHeartbeat({
    url: target.url,
    body,
    version: ctx.version,
    env: ctx.env,
    timeoutMs: BEACON_TIMEOUT_MS,
    retries: 0,
  });
  const { recordSent } = await import("./send-heartbeat.ts");
  await recordSent(ctx, "beacon", target.url, body, outcome);
  return outcome.ok;
}
