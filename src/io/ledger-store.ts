// <dataDir>/telemetry-ledger.json: what was sent, appended under the lock, 0600, atomic, a broken file set aside.
import { appendToLedger, emptyLedger, type Ledger, type LedgerEntry, LedgerSchema } from "../core/ledger.ts";
import { type JsonStore, readStore, updateStore } from "./json-store.ts";
import { join } from "./paths.ts";

const store = (dataDir: string): JsonStore<Ledger> => ({
  path: join(dataDir, "telemetry-ledger.json"),
  schema: LedgerSchema,
  empty: emptyLedger,
});

export const ledgerPath = (dataDir: string) => store(dataDir).path;

/** The ledger, and whether the file was broken (it then reads as empty and is set aside on the next append). */
export async function readLedger(dataDir: string): Promise<{ ledger: Ledger; corrupt: boolean }> {
  const { value, corrupt } = await readStore(store(dataDir));
  return { ledger: value, corrupt };
}

/** SHA-256 of the exact bytes, in hex; WebCrypto, so both runtimes agree and no node:crypto loads. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export interface SentRecord {
  kind: LedgerEntry["kind"];
  url: string;
  body: string;
  accepted: boolean;
  outcome: string;
  time: string;
}

/** Appends one record; returns whether the old file was broken (and so set aside). */
export async function appendLedger(dataDir: string, record: SentRecord): Promise<{ corrupt: boolean }> {
  let corrupt = false;
  const sha256 = await sha256Hex(record.body);
  await updateStore(store(dataDir), (ledger, wasCorrupt) => {
    corrupt = wasCorrupt;
    return appendToLedger(ledger, { ...record, sha256 });
  });
  return { corrupt };
}
