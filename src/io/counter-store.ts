// Reads and writes <dataDir>/telemetry-counters.json: locked, atomic read-modify-write of the counters.
import { mkdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import * as v from "valibot";
import {
  applyEvents,
  type CounterEvent,
  type Counts,
  CountsSchema,
  emptyCounts,
  pruneCounts,
} from "../core/counters.ts";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { writeError, writeFileAtomic } from "./atomic-file.ts";
import { errnoText } from "./errno-text.ts";
import { withLock } from "./lock.ts";

const FILE = "telemetry-counters.json";

export const counterStorePath = (dataDir: string) => join(dataDir, FILE);

interface Stored {
  counts: Counts;
  corrupt: boolean;
}

async function readStored(path: string): Promise<Stored> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return { counts: emptyCounts(), corrupt: false };
    throw new CliError(
      `cannot read ${path}: ${errnoText(code, error)}`,
      ExitCode.failure,
      "check the file's owner and mode",
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  // Counters are not worth failing a command over: a broken store reads as empty, and the next write moves it aside.
  const result = v.safeParse(CountsSchema, doc);
  return result.success
    ? { counts: result.output, corrupt: false }
    : { counts: emptyCounts(), corrupt: true };
}

export async function readCounts(dataDir: string): Promise<Counts> {
  return (await readStored(counterStorePath(dataDir))).counts;
}

// Keeps the broken file for a human to look at; colons would not do in a Windows file name.
function corruptName(path: string, now: Date): string {
  const stamp = Number.isFinite(now.getTime()) ? now.toISOString().replaceAll(":", "-") : String(Date.now());
  return `${path}.corrupt-${stamp}`;
}

/** Re-reads inside the lock so increments from other processes are never lost; returns what was written. */
export async function updateCounts(
  dataDir: string,
  change: (counts: Counts) => Counts,
  now: Date = new Date(),
): Promise<Counts> {
  const path = counterStorePath(dataDir);
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    return await withLock(path, async () => {
      const stored = await readStored(path);
      const next = pruneCounts(change(stored.counts), now);
      if (stored.corrupt) await rename(path, corruptName(path, now));
      await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  } catch (error) {
    throw writeError(path, error);
  }
}

export interface RecordContext {
  dataDir: string;
  now: () => Date;
}

/**
 * Writes through the lock at once (short-lived commands). `telemetryOn` is the caller's decision: while it is
 * off nothing is recorded and no file is touched.
 */
export async function recordEvents(
  ctx: RecordContext,
  telemetryOn: boolean,
  events: readonly CounterEvent[],
): Promise<boolean> {
  if (!telemetryOn) return false;
  if (events.length === 0) return true;
  const now = ctx.now();
  await updateCounts(ctx.dataDir, (counts) => applyEvents(counts, events, now), now);
  return true;
}
