import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { formatRfc3339, parseRfc3339, rotateIdentity } from "../../src/core/identity.ts";

const ID = "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21";
const NEW = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const newId = () => NEW;
const NOW = new Date("2026-11-24T12:00:00Z");
const DAY = 86_400_000;
const at = (offsetMs: number) => formatRfc3339(new Date(NOW.getTime() + offsetMs));

describe("parseRfc3339", () => {
  test.each([
    ["2026-11-19T12:00:00Z", "2026-11-19T12:00:00.000Z"],
    ["2026-11-19t12:00:00z", "2026-11-19T12:00:00.000Z"],
    ["2026-11-19T12:00:00.5Z", "2026-11-19T12:00:00.500Z"],
    ["2026-11-19T12:00:00.123456789Z", "2026-11-19T12:00:00.123Z"],
    ["2026-11-19T14:00:00+02:00", "2026-11-19T12:00:00.000Z"],
    ["2026-11-19T07:30:00-04:30", "2026-11-19T12:00:00.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
  ])("%s parses", (text, iso) => {
    expect(parseRfc3339(text)?.toISOString()).toBe(iso);
  });
  test.each([
    "2026-11-19",
    "2026-11-19 12:00:00Z",
    "2026-11-19T12:00:00",
    "2026-11-19T12:00Z",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-11-19T24:00:00Z",
    "2026-11-19T12:60:00Z",
    "2026-11-19T12:00:00+0200",
    "Tue, 19 Nov 2026 12:00:00 GMT",
    "",
    "yesterday",
    " 2026-11-19T12:00:00Z",
  ])("%p does not parse", (text) => {
    expect(parseRfc3339(text)).toBeNull();
  });
});

describe("rotateIdentity", () => {
  const stamp = formatRfc3339(NOW);
  test.each([
    ["no id at all", {}, { identity: { id: NEW, createdAt: stamp }, change: "created" }],
    [
      "empty id, old date",
      { id: "", createdAt: at(-10 * DAY) },
      { identity: { id: NEW, createdAt: stamp }, change: "created" },
    ],
    [
      "id that is not a UUID",
      { id: "alice", createdAt: at(-DAY) },
      { identity: { id: NEW, createdAt: stamp }, change: "created" },
    ],
    [
      "a version-1 UUID (it holds a MAC address and a time)",
      { id: "c232ab00-9414-11ec-b3c8-9e6bdeced846", createdAt: at(-DAY) },
      { identity: { id: NEW, createdAt: stamp }, change: "created" },
    ],
    [
      "the nil UUID",
      { id: "00000000-0000-0000-0000-000000000000", createdAt: at(-DAY) },
      { identity: { id: NEW, createdAt: stamp }, change: "created" },
    ],
    [
      "a version-4 layout with a wrong variant",
      { id: "0b9f6a4e-2c1d-4e8a-7b3c-5d6e7f8a9b0c", createdAt: at(-DAY) },
      { identity: { id: NEW, createdAt: stamp }, change: "created" },
    ],
    ["legacy id without date", { id: ID }, { identity: { id: ID, createdAt: stamp }, change: "dated" }],
    [
      "legacy id, empty date",
      { id: ID, createdAt: "" },
      { identity: { id: ID, createdAt: stamp }, change: "dated" },
    ],
    [
      "date that does not parse",
      { id: ID, createdAt: "2026-11-19" },
      { identity: { id: ID, createdAt: stamp }, change: "redated" },
    ],
    [
      "fresh id",
      { id: ID, createdAt: at(-DAY) },
      { identity: { id: ID, createdAt: at(-DAY) }, change: "none" },
    ],
    [
      "exactly 365 days",
      { id: ID, createdAt: at(-365 * DAY) },
      { identity: { id: ID, createdAt: at(-365 * DAY) }, change: "none" },
    ],
    [
      "365 days and a second",
      { id: ID, createdAt: at(-365 * DAY - 1000) },
      { identity: { id: NEW, createdAt: stamp }, change: "rotated" },
    ],
    [
      "clock went back a day",
      { id: ID, createdAt: at(DAY) },
      { identity: { id: ID, createdAt: at(DAY) }, change: "none" },
    ],
    [
      "exactly 366 days ahead",
      { id: ID, createdAt: at(366 * DAY) },
      { identity: { id: ID, createdAt: at(366 * DAY) }, change: "none" },
    ],
    [
      "more than 366 days ahead",
      { id: ID, createdAt: at(366 * DAY + 1000) },
      { identity: { id: ID, createdAt: stamp }, change: "redated" },
    ],
  ] as const)("%s", (_name, current, expected) => {
    expect(rotateIdentity(current, NOW, newId)).toEqual(expected);
  });
});

describe("rotateIdentity properties", () => {
  const offset = fc.integer({ min: -800 * DAY, max: 800 * DAY });
  test("an id is kept exactly while 0..365 days old or up to 366 days ahead", () => {
    fc.assert(
      fc.property(offset, (ms) => {
        const createdAt = at(-Math.trunc(ms / 1000) * 1000);
        const result = rotateIdentity({ id: ID, createdAt }, NOW, newId);
        const age = NOW.getTime() - (parseRfc3339(createdAt) as Date).getTime();
        const kept = age <= 365 * DAY && age >= -366 * DAY;
        expect(result.identity.id).toBe(age > 365 * DAY ? NEW : ID);
        expect(result.change === "none").toBe(kept);
      }),
    );
  });
  test("the result always holds a UUID and a date that parses", () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (id, createdAt) => {
        const { identity } = rotateIdentity({ id, createdAt }, NOW, newId);
        expect(identity.id === NEW || identity.id === id).toBe(true);
        expect(parseRfc3339(identity.createdAt)).not.toBeNull();
      }),
    );
  });
  test("rotation is idempotent: applying it twice at the same moment changes nothing more", () => {
    fc.assert(
      fc.property(offset, fc.constantFrom(ID, "", "x"), (ms, id) => {
        const first = rotateIdentity({ id, createdAt: at(-ms) }, NOW, newId);
        const second = rotateIdentity(first.identity, NOW, () => "never");
        expect(second).toEqual({ identity: first.identity, change: "none" });
      }),
    );
  });
});
