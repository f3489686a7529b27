// The ledger of what was sent: each entry the exact body, its SHA-256 and what the collector answered; bounded.
import * as v from "valibot";

export const LEDGER_MAX_ENTRIES = 30;
export const LEDGER_MAX_BYTES = 256 * 1024;

export const LedgerEntrySchema = v.strictObject({
  /** Numbers only grow, so `telemetry log --show N` names the same entry while it is kept. */
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  time: v.string(),
  kind: v.picklist(["heartbeat", "beacon"]),
  url: v.string(),
  accepted: v.boolean(),
  /** `HTTP 200`, or the failure's kind (`timeout`, `refused`, `tls` …). */
  outcome: v.string(),
  sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  body: v.string(),
});
export const LedgerSchema = v.strictObject({ entries: v.array(LedgerEntrySchema) });

export type LedgerEntry = v.InferOutput<typeof LedgerEntrySchema>;
export type Ledger = v.InferOutput<typeof LedgerSchema>;

export const emptyLedger = (): Ledger => ({ entries: [] });

/** Adds an entry with the next number; the oldest go first until at most 30 entries and 256 KiB remain. */
export function appendToLedger(ledger: Ledger, entry: Omit<LedgerEntry, "seq">): Ledger {
  const seq = (ledger.entries.at(-1)?.seq ?? 0) + 1;
  const entries = [...ledger.entries, { seq, ...entry }];
  let size = new TextEncoder().encode(JSON.stringify({ entries })).length;
  // The newest entry is always kept, even alone over the cap: it is the one a user wants to see.
  while (entries.length > 1 && (entries.length > LEDGER_MAX_ENTRIES || size > LEDGER_MAX_BYTES)) {
    const dropped = entries.shift() as LedgerEntry;
    size -= new TextEncoder().encode(`${JSON.stringify(dropped)},`).length;
  }
  return { entries };
}

/** The last heartbeat a collector accepted, for `telemetry diff`. */
export function lastAccepted(ledger: Ledger): LedgerEntry | undefined {
  return ledger.entries.findLast((e) => e.kind === "heartbeat" && e.accepted);
}
