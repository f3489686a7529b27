// The needle filter: "none" exactly when a line holds no needle in any case, however needles overlap, and
// whichever gram of each it has moved on to after seeing it in vain.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { NeedleFilter } from "../../src/core/classifier-prefilter.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const holds = (text: string, needles: readonly string[]) =>
  needles.some((n) => text.replace(/[A-Z]/g, (c) => c.toLowerCase()).includes(n));

describe("NeedleFilter", () => {
  test("is refused a needle shorter than its gram", () => {
    expect(NeedleFilter.of(["docker", "403"])).toBeUndefined();
    expect(NeedleFilter.of(["docker", "runc"])).toBeDefined();
  });

  test("says none exactly when an ASCII line holds no needle, and not-ascii only without one", () => {
    // A small alphabet, so that needles overlap and share grams; `@` and backquote fold like letters in the hash.
    const unit = fc.constantFrom("a", "b", "A", "B", "`", "@", " ", ":", "\u00e9");
    const needle = fc.string({ unit: fc.constantFrom("a", "b", " ", ":", "`"), minLength: 4, maxLength: 7 });
    fc.assert(
      fc.property(
        fc.uniqueArray(needle, { minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ unit, maxLength: 30 }), { maxLength: 400 }),
        (needles, lines) => {
          const filter = NeedleFilter.of(needles);
          for (const line of lines) {
            // Each line amid others, as it lies in a chunk.
            const bytes = encode(`${line}:ab\n${line}\nba:${line}`);
            const start = encode(`${line}:ab\n`).length;
            const glance = filter?.glance(bytes, start, start + encode(line).length);
            const ascii = !/[^\0-\x7f]/.test(line);
            if (holds(line, needles)) expect(glance === "needle" || glance === "not-ascii").toBe(true);
            else expect(glance).toBe(ascii ? "none" : "not-ascii");
            if (glance === "needle") expect(holds(line, needles)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  // Each needle at each place in lines of odd and even length, and a non-ASCII byte in each place.
  test("finds a needle at any alignment and a non-ASCII byte anywhere, in lines of any length", () => {
    const needles = ["runc", "x509:", "docker", "refresh token"];
    const filter = NeedleFilter.of(needles);
    for (const lead of ["", "#"]) {
      for (const needle of needles) {
        for (let before = 0; before < 6; before++) {
          for (let after = 0; after < 4; after++) {
            const line = `${"-".repeat(before)}${needle.toUpperCase()}${"-".repeat(after)}`;
            const bytes = encode(`${lead}${line}\n`);
            expect(filter?.glance(bytes, lead.length, lead.length + line.length)).toBe("needle");
          }
        }
      }
      for (let length = 0; length < 9; length++) {
        for (let at = 0; at < length; at++) {
          const line = `${"r".repeat(at)}\u00e9${"u".repeat(length - at - 1)}`;
          const bytes = encode(`${lead}${line}\n`);
          expect(filter?.glance(bytes, lead.length, bytes.length - 1)).toBe("not-ascii");
        }
        const plain = encode(`${lead}${"runx".repeat(3).slice(0, length)}\u00e9`);
        expect(filter?.glance(plain, lead.length, lead.length + length)).toBe("none");
      }
    }
  });

  test("moves a gram seen in vain on, and still finds its needle", () => {
    const filter = NeedleFilter.of(["server error with stored token", "quarantine"]);
    const look = (line: string) => filter?.glance(encode(line), 0, encode(line).length);
    for (let i = 0; i < 5000; i++) expect(look(`every server ${i} connected, token refreshed`)).toBe("none");
    expect(look("500: Server Error With Stored Token")).toBe("needle");
    expect(look("held in QUARANTINE")).toBe("needle");
  });
});
