// Saves the daemon's in-memory counts to the store; a failure keeps them in memory for the next try.
import { mergeCounts } from "../core/counters.ts";
import { printable } from "../core/printable.ts";
import { updateCounts } from "../io/counter-store.ts";
import type { DaemonState } from "./state.ts";

export async function flushCounts(d: Omit<DaemonState, "flush">): Promise<void> {
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
