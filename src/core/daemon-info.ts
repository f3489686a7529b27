// What a running daemon tells about itself: its state file (how clients find it) and GET /api/v1/status.
import * as v from "valibot";
import { VERSION } from "./version-pattern.ts";

const pid = v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(0x7fffffff));

/** `<dataDir>/daemon.json`, written once the daemon listens and removed when it stops. */
export const DaemonFileSchema = v.object({
  pid,
  /** `<boot id>:<start ticks>` where the OS tells (Linux): a reused pid is not the daemon. */
  start: v.optional(v.string()),
  url: v.pipe(v.string(), v.url()),
  version: v.pipe(v.string(), v.regex(VERSION)),
  data_dir: v.string(),
  config_path: v.string(),
  started_at: v.string(),
});
export type DaemonFile = v.InferOutput<typeof DaemonFileSchema>;

export const DaemonStatusSchema = v.object({
  status: v.literal("running"),
  version: v.pipe(v.string(), v.regex(VERSION)),
  pid,
  url: v.string(),
  uptime_seconds: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  telemetry_enabled: v.boolean(),
});
export type DaemonStatus = v.InferOutput<typeof DaemonStatusSchema>;
