// The automaton's two-line scan: the same needle bits and the same ASCII verdict as two scans one after the other.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { NeedleAutomaton } from "../../src/core/classifier-needles.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("NeedleAutomaton.scanAsciiBytesPair", () => {
  test("finds in each of two lines what scanAsciiBytes finds, whatever their lengths", () => {
    // A small alphabet, so that needles overlap; upper case and a non-ASCII letter in the lines.
    const needle = fc.string({ unit: fc.constantFrom("a", "b", ":", " "), minLength: 1, maxLength: 6 });
    const line = fc.string({ unit: fc.constantFrom("a", "b", "A", "B", ":", " ", "\u00e9"), maxLength: 40 });
    fc.assert(
      fc.property(fc.uniqueArray(needle, { minLength: 1, maxLength: 40 }), line, line, (needles, a, b) => {
        const automaton = new NeedleAutomaton(needles);
        const words = automaton.words;
        // Each line amid others, as it lies in a chunk.
        const bytesA = encode(`ab\n${a}\nba`);
        const bytesB = encode(`:${b}`);
        const [aStart, aEnd] = [3, 3 + encode(a).length];
        const [bStart, bEnd] = [1, bytesB.length];
        const [aloneA, aloneB] = [new Int32Array(words), new Int32Array(words)];
        const asciiA = automaton.scanAsciiBytes(bytesA, aStart, aEnd, aloneA);
        const asciiB = automaton.scanAsciiBytes(bytesB, bStart, bEnd, aloneB);
        const [pairedA, pairedB] = [new Int32Array(words), new Int32Array(words)];
        const flags = automaton.scanAsciiBytesPair(
          bytesA,
          aStart,
          aEnd,
          pairedA,
          bytesB,
          bStart,
          bEnd,
          pairedB,
        );
        expect(flags).toBe((asciiA ? 1 : 0) | (asciiB ? 2 : 0));
        if (asciiA) expect([...pairedA]).toEqual([...aloneA]);
        if (asciiB) expect([...pairedB]).toEqual([...aloneB]);
      }),
      { numRuns: 1000 },
    );
  });
});
