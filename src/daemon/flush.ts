// Saves the daemon's in-memory counts to the store, and reads store plus memory as one: never half of a flush.
import { type Counts, emptyCounts, mergeCounts } from "../core/counters.ts";
import { printable } from "../core/printable.ts";
import { CliError } from "../errors.ts";
import { readCounts, updateCounts } from "../io/counter-store.ts";
import type { DaemonState } from "./state.ts";

type Parts = Pick<DaemonState, "ctx" | "config" | "tally" | "faults">;

export interface CountStore {
  /** Saves what is in memory; a failure keeps it there for the next try. */
  flush(): Promise<void>;
  /** Stored and in-memory counts together, as the payload shows them. */
  snapshot(): Promise<Counts>;
}

export function countStore(d: Parts): CountStore {
  // One at a time: a snapshot taken while a flush moves counts from memory to disk would miss them.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => {});
    return next;
  };
  return {
    flush: () => serial(() => flushCounts(d)),
    snapshot: () =>
      serial(async () => {
        const stored = await readCounts(d.ctx.dataDir).catch((error) => {
          if (!(error instanceof CliError)) throw error;
          d.faults.warn("read-store", `${printable(error.message)}; the payload shows no stored counters`);
          return emptyCounts();
        });
        return mergeCounts(stored, d.tally.peek());
      }),
  };
}

async function flushCounts(d: Parts): Promise<void> {
  const batch = d.tally.take();
  if (!batch) return;
  // Turned off since these were counted: off means they are dropped, not saved.
  if (!d.config.decision.enabled) return;
  try {
    // updateCounts makes the folder again if someone removed the data dir.
    await updateCounts(d.ctx.dataDir, (stored) => mergeCounts(stored, batch), d.ctx.now());
    d.faults.clear("store", "the counter store can be written again");
  } catch (error) {
    d.tally.putBack(batch);
    d.faults.warn(
      "store",
      `cannot save the counters (${printable((error as Error).message)}); keeping them in memory and trying again`,
    );
  }
}
