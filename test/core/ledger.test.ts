import { describe, expect, test } from "bun:test";
import {
  appendToLedger,
  emptyLedger,
  LEDGER_MAX_BYTES,
  LEDGER_MAX_ENTRIES,
  type Ledger,
  lastAccepted,
} from "../../src/core/ledger.ts";

const entry = (body: string, accepted = true) => ({
  time: "2026-12-01T00:00:00Z",
  kind: "heartbeat" as const,
  url: "https://c/v1/heartbeat",
  accepted,
  outcome: accepted ? "HTTP 200" : "HTTP 500",
  sha256: "0".repeat(64),
  body,
});

describe("appendToLedger", () => {
  test("numbers grow from 1 and are never reused after the oldest are dropped", () => {
    let ledger: Ledger = emptyLedger();
    for (let i = 0; i < LEDGER_MAX_ENTRIES + 5; i++) ledger = appendToLedger(ledger, entry(`b${i}`));
    expect(ledger.entries).toHaveLength(LEDGER_MAX_ENTRIES);
    expect(ledger.entries[0]?.seq).toBe(6);
    expect(ledger.entries.at(-1)?.seq).toBe(LEDGER_MAX_ENTRIES + 5);
  });

  test("big bodies are dropped oldest first until the ledger fits its byte cap; the newest always stays", () => {
    let ledger: Ledger = emptyLedger();
    for (let i = 0; i < 10; i++) ledger = appendToLedger(ledger, entry("x".repeat(60 * 1024)));
    expect(new TextEncoder().encode(JSON.stringify(ledger)).length).toBeLessThanOrEqual(LEDGER_MAX_BYTES);
    expect(ledger.entries.at(-1)?.seq).toBe(10);
    const huge = appendToLedger(emptyLedger(), entry("y".repeat(LEDGER_MAX_BYTES * 2)));
    expect(huge.entries).toHaveLength(1);
  });
});

describe("lastAccepted", () => {
  test("skips failures and beacons", () => {
    let ledger = appendToLedger(emptyLedger(), entry("a"));
    ledger = appendToLedger(ledger, entry("b", false));
    ledger = appendToLedger(ledger, { ...entry("c"), kind: "beacon" });
    expect(lastAccepted(ledger)?.body).toBe("a");
    expect(lastAccepted(emptyLedger())).toBeUndefined();
  });
});
