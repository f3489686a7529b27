// Commits accepted rows in batches: each request's answer waits for the commit that holds its row.
import { setImmediate } from "node:timers";
import type { EventRow, HeartbeatRow } from "../core/collector-intake.ts";
import { type StoreFault, storeFault } from "../core/collector-report.ts";
import type { CollectorDb } from "../io/collector-db.ts";

interface Pending {
  row: HeartbeatRow | EventRow;
  done: (fault: StoreFault | null) => void;
}

export interface Writer {
  /** Resolves null once the row is committed, or with the fault that kept it out (nothing was stored). */
  add(row: HeartbeatRow | EventRow): Promise<StoreFault | null>;
  /** Commits what is queued now (on shutdown). */
  flush(): void;
}

export function batchWriter(db: CollectorDb, onFault: (fault: StoreFault | null) => void): Writer {
  let queue: Pending[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let fault: StoreFault | null = null;
    try {
      db.write(batch.map((p) => p.row));
    } catch (error) {
      const e = error as { errcode?: number; message?: string };
      fault = storeFault(e.errcode, String(e.message ?? error));
    }
    onFault(fault);
    for (const p of batch) p.done(fault);
  };
  return {
    add(row) {
      return new Promise((done) => {
        queue.push({ row, done });
        // After this turn's I/O: requests that arrived together share one transaction.
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    flush,
  };
}
