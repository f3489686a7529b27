import { describe, expect, test } from "bun:test";
import { posix } from "node:path";
import fc from "fast-check";
import { dirnamePosix, joinPosix, normalizePosix, resolvePosix } from "../../src/core/posix-path.ts";

// Paths built from the pieces that make the rules differ: slashes, dots, names with dots.
const piece = fc.constantFrom("/", "//", ".", "..", "...", "a", "b.c", ".d", "e..", "~", " ", "é");
const path = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(""));
const CWD = "/srv/some dir/./x/..";

describe("posix paths agree with node:path's posix half", () => {
  test("normalize", () => {
    fc.assert(
      fc.property(path, (p) => expect(normalizePosix(p)).toBe(posix.normalize(p))),
      { numRuns: 3000 },
    );
  });
  test("join", () => {
    fc.assert(
      fc.property(fc.array(path, { maxLength: 4 }), (parts) =>
        expect(joinPosix(...parts)).toBe(posix.join(...parts)),
      ),
      { numRuns: 3000 },
    );
  });
  test("resolve, with the working folder a fixed path", () => {
    const resolveIn = (cwd: string, parts: string[]) => posix.resolve(cwd, ...parts);
    fc.assert(
      fc.property(fc.array(path, { maxLength: 4 }), (parts) =>
        expect(resolvePosix(() => CWD, ...parts)).toBe(resolveIn(CWD, parts)),
      ),
      { numRuns: 3000 },
    );
  });
  test("dirname", () => {
    fc.assert(
      fc.property(path, (p) => expect(dirnamePosix(p)).toBe(posix.dirname(p))),
      { numRuns: 3000 },
    );
  });
  test.each([
    ["", "."],
    ["/", "/"],
    ["//a", "//"],
    ["/a/b/", "/a"],
    ["a", "."],
    ["a/b//", "a"],
  ])("dirname(%p) is %p", (p, want) => {
    expect(dirnamePosix(p)).toBe(want);
  });
});

describe("resolvePosix", () => {
  test("asks for the working folder only when no part is absolute", () => {
    const gone = () => {
      throw new Error("no working folder");
    };
    expect(resolvePosix(gone, "x", "/home/u", "y/../z")).toBe("/home/u/z");
    expect(() => resolvePosix(gone, "relative")).toThrow("no working folder");
  });
});
