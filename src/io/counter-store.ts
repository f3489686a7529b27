// Reads and writes <dataDir>/telemetry-counters.json: locked, atomic read-modify-write of the counters.
import {
  applyEvents,
  type CounterEvent,
  type Counts,
  CountsSchema,
  emptyCounts,
  pruneCounts,
} from "../core/counters.ts";
import { type JsonStore, readStore, updateStore } from "./json-store.ts";
import { join } from "./paths.ts";

const FILE = "telemetry-counters.json";

export const counterStorePath = (dataDir: string) => join(dataDir, FILE);

// Counters are not worth failing a command over: a broken store reads as empty, and the next write moves it aside.
const store = (dataDir: string): JsonStore<Counts> => ({
  path: counterStorePath(dataDir),
  schema: CountsSchema,
  empty: emptyCounts,
});

export async function readCounts(dataDir: string): Promise<Counts> {
  return (await readStore(store(dataDir))).value;
}

/** Re-reads inside the lock so increments from other processes are never lost; returns what was written. */
export function updateCounts(
  dataDir: string,
  change: (counts: Counts) => Counts,
  now: Date = new Date(),
): Promise<Counts> {
  return updateStore(store(dataDir), (counts) => pruneCounts(change(counts), now), now);
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
