// The decision memo: a line's code comes from its bits only when no check read its text, whatever came before.
import { describe, expect, test } from "bun:test";
import { type ClassifyFacts, classifyError, lineClassifier } from "../../src/core/classifier.ts";
import { DecisionMemo } from "../../src/core/classifier-memo.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const classifyAscii = (classify: ReturnType<typeof lineClassifier>, line: string) =>
  classify.asciiBytes(encode(line), 0, encode(line).length);

describe("DecisionMemo", () => {
  test("gives back what was kept for the same bits only", () => {
    const memo = new DecisionMemo<string>(2);
    memo.set(Int32Array.of(1, 0), "a");
    memo.set(Int32Array.of(0, 1), "b");
    expect(memo.get(Int32Array.of(1, 0))).toBe("a");
    expect(memo.get(Int32Array.of(0, 1))).toBe("b");
    expect(memo.get(Int32Array.of(1, 1))).toBeUndefined();
  });

  test("keeps the first value for some bits, and stops keeping when half full", () => {
    const memo = new DecisionMemo<number>(1);
    memo.set(Int32Array.of(7), 1);
    memo.set(Int32Array.of(7), 2);
    expect(memo.get(Int32Array.of(7))).toBe(1);
    for (let i = 0; i < 5000; i++) memo.set(Int32Array.of(i + 100), i);
    const kept = Array.from({ length: 5000 }, (_, i) => memo.get(Int32Array.of(i + 100)));
    expect(kept.filter((v) => v !== undefined).length).toBe(511);
    expect(kept.every((v, i) => v === undefined || v === i)).toBe(true);
  });
});

// Pairs hold the same needles; a check on the text (a whole word, the exact case, the program spawned) tells
// them apart, so neither may take the other's remembered code.
const SAME_BITS: Array<[string, string, ClassifyFacts | undefined]> = [
  ["x509: bad", "X509: bad", undefined],
  ["Error: spawn docker ENOENT", "Error: spawn npx ENOENT", { dockerIsolated: true }],
  ["Error: spawn npx ENOENT", "Error: spawn npx ENOENT permission denied", { transport: "stdio" }],
  ["runc create failed", "runcx create failed", { dockerIsolated: true }],
  ["GET /mcp: status 503", "GET /mcp: status 5034", { transport: "http" }],
  ["GET /mcp: status 401", "GET /mcp: status 404", { transport: "sse" }],
];

describe("lineClassifier remembers only decisions made on needle bits", () => {
  test.each(SAME_BITS)("%s / %s", (first, second, facts) => {
    expect(classifyError(first, facts)).not.toBe(classifyError(second, facts));
    for (const order of [
      [first, second],
      [second, first],
    ]) {
      const classify = lineClassifier(facts);
      for (let round = 0; round < 3; round++) {
        for (const line of order) expect(classifyAscii(classify, line)).toBe(classifyError(line, facts));
      }
    }
  });

  test("lines with the same needles in other places and cases get the remembered code", () => {
    const classify = lineClassifier();
    const lines = [
      "OAuth discovery failed: 404",
      "oauth DISCOVERY FAILED",
      "x: oauth discovery failed, retrying",
    ];
    for (const line of [...lines, ...lines]) expect(classifyAscii(classify, line)).toBe(classifyError(line));
  });
});
