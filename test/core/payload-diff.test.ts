import { describe, expect, test } from "bun:test";
import { diffPayloads } from "../../src/core/payload-diff.ts";

describe("diffPayloads", () => {
  test.each([
    ["equal", { a: 1 }, { a: 1 }, { added: [], removed: [], changed: [] }],
    [
      "a counter went up",
      { m: { x: 1 } },
      { m: { x: 4 } },
      {
        added: [],
        removed: [],
        changed: [{ path: "m.x", from: 1, to: 4, delta: 3 }],
      },
    ],
    [
      "a key appeared and one went",
      { m: { x: 1 } },
      { m: { y: 2 } },
      {
        added: [{ path: "m.y", value: 2 }],
        removed: [{ path: "m.x", value: 1 }],
        changed: [],
      },
    ],
    [
      "a string changed (no delta)",
      { v: "v1" },
      { v: "v2" },
      {
        added: [],
        removed: [],
        changed: [{ path: "v", from: "v1", to: "v2" }],
      },
    ],
    [
      "arrays compare whole",
      { l: ["a"] },
      { l: ["a", "b"] },
      {
        added: [],
        removed: [],
        changed: [{ path: "l", from: ["a"], to: ["a", "b"] }],
      },
    ],
    [
      "an empty map is a value",
      { m: {} },
      { m: { x: 1 } },
      {
        added: [{ path: "m.x", value: 1 }],
        removed: [{ path: "m", value: {} }],
        changed: [],
      },
    ],
    [
      "from nothing",
      {},
      { a: { b: true } },
      { added: [{ path: "a.b", value: true }], removed: [], changed: [] },
    ],
  ])("%s", (_, before, after, expected) => {
    expect(diffPayloads(before, after)).toEqual(expected);
  });
});
