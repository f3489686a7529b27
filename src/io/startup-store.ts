// <dataDir>/daemon-state.json: the last `serve` start's outcome, kept here because a broken config cannot hold it.
import * as v from "valibot";
import type { StartupOutcome } from "../core/payload-schema.ts";
import { DaemonStateSchema } from "../core/startup-outcome.ts";
import { join } from "./paths.ts";
import { holdsNoBytes, readText } from "./quick-read.ts";

const FILE = "daemon-state.json";
// A record is ~100 bytes; anything much larger is not one.
const MAX_BYTES = 64 * 1024;

export const startupStorePath = (dataDir: string) => join(dataDir, FILE);

/** The recorded outcome, or null when none was recorded (or the file is unreadable: it is only a hint). */
export async function readStartupOutcome(dataDir: string): Promise<StartupOutcome | null> {
  if (holdsNoBytes(startupStorePath(dataDir))) return null;
  try {
    const text = await readText(startupStorePath(dataDir), MAX_BYTES);
    const result = v.safeParse(DaemonStateSchema, JSON.parse(text));
    return result.success ? result.output.last_startup_outcome : null;
  } catch {
    return null;
  }
}

export async function writeStartupOutcome(
  dataDir: string,
  outcome: StartupOutcome,
  now: Date,
): Promise<void> {
  const [{ mkdir }, { writeFileAtomic }] = await Promise.all([
    import("node:fs/promises"),
    import("./atomic-file.ts"),
  ]);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const record = { last_startup_outcome: outcome, recorded_at: now.toISOString() };
  await writeFileAtomic(startupStorePath(dataDir), `${JSON.stringify(record, null, 2)}\n`);
}
