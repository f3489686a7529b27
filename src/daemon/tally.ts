// The daemon's counts since the last flush, in memory; the store gets them every few seconds and on shutdown.
import { applyEvents, type CounterEvent, type Counts, emptyCounts, mergeCounts } from "../core/counters.ts";

export interface Tally {
  add(events: readonly CounterEvent[], now: Date): void;
  /** What was counted since the last take (null when nothing was), leaving the tally empty. */
  take(): Counts | null;
  /** A batch that could not be saved goes back, to be tried with the next flush. */
  putBack(batch: Counts): void;
  peek(): Counts;
}

export function newTally(): Tally {
  let pending = emptyCounts();
  let dirty = false;
  return {
    add(events, now) {
      pending = applyEvents(pending, events, now);
      dirty = true;
    },
    take() {
      if (!dirty) return null;
      const batch = pending;
      pending = emptyCounts();
      dirty = false;
      return batch;
    },
    putBack(batch) {
      pending = mergeCounts(batch, pending);
      dirty = true;
    },
    peek: () => pending,
  };
}
