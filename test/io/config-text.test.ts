import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { editJsonText, locateJsonError, TooLarge } from "../../src/io/config-text.ts";

describe("locateJsonError", () => {
  test.each([
    [`{"a": 1,}`, { line: 1, column: 8, reason: "trailing comma" }],
    [`{\n  "a": [1,\n  2,\n]}`, { line: 3, column: 4, reason: "trailing comma" }],
    [`{"a": 1`, { line: 1, column: 8, reason: "expected '}'" }],
    [`\uFEFF{}`, { line: 1, column: 1, reason: "the file starts with a byte order mark" }],
    ["", { line: 1, column: 1, reason: "the file is empty" }],
    ["  \n ", { line: 1, column: 1, reason: "the file is empty" }],
    [`{\n  "a": tru\n}`, { line: 2, column: 8, reason: "unexpected character" }],
    [`{"a":1}{`, { line: 1, column: 8, reason: "unexpected text after the end" }],
    [`{"a" 1}`, { line: 1, column: 6, reason: "expected ':'" }],
    [`// note\n{}`, { line: 1, column: 1, reason: "comments are not allowed in JSON" }],
    [`{'a': 1}`, { line: 1, column: 2, reason: "unexpected character" }],
  ])("%p", (text, expected) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual(expected);
  });
});

describe("editJsonText", () => {
  test("creates the object path in an empty file", () => {
    expect(editJsonText("", [{ path: ["telemetry", "enabled"], value: true }])).toBe(
      `{\n  "telemetry": {\n    "enabled": true\n  }\n}\n`,
    );
  });
  test("changes the last of duplicate keys, as JSON.parse reads it", () => {
    const out = editJsonText(`{"a": 1, "a": 2}`, [{ path: ["a"], value: 3 }]);
    expect(out).toBe(`{\n  "a": 1,\n  "a": 3\n}\n`);
    expect(JSON.parse(out)).toEqual({ a: 3 });
  });
  test("any JSON object survives an edit equal except for the edited key, in order", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.oneof(fc.constant(undefined), fc.constant(null), fc.dictionary(fc.string(), fc.jsonValue())),
        fc.boolean(),
        (doc, telemetry, enabled) => {
          const input = telemetry === undefined ? doc : { ...doc, telemetry };
          const text = JSON.stringify(input);
          const out = JSON.parse(editJsonText(text, [{ path: ["telemetry", "enabled"], value: enabled }]));
          expect(out.telemetry.enabled).toBe(enabled);
          delete out.telemetry.enabled;
          const expected = JSON.parse(text);
          if (expected.telemetry == null) expected.telemetry = {};
          expect(JSON.stringify(out)).toBe(JSON.stringify(expected));
        },
      ),
    );
  });
  test.each([`{"telemetry": [1, 2]}`, `{"telemetry": 5}`, `{"telemetry": "x"}`])(
    "refuses to replace a non-object on the way: %s",
    (text) => {
      expect(() => editJsonText(text, [{ path: ["telemetry", "enabled"], value: false }])).toThrow(
        /not an object/,
      );
    },
  );
});

describe("editJsonText lays out any JSON, however deep, without recursion", () => {
  test("untouched values are laid out as JSON.stringify would indent them", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.constantFrom(undefined, "\t", " \n  "),
        (doc, spacing) => {
          const text = JSON.stringify(doc, null, spacing);
          const out = editJsonText(text, [{ path: ["telemetry", "enabled"], value: false }]);
          expect(out).toBe(`${JSON.stringify({ ...doc, telemetry: { enabled: false } }, null, 2)}\n`);
        },
      ),
    );
  });

  test.each([1000, 5000])("%i levels of objects and lists in one value", (levels) => {
    const value = `${'{"a": ['.repeat(levels / 2)}{}${"]}".repeat(levels / 2)}`;
    // 5,000 levels lay out to ~50 MB: past the file limit, so with a budget to match.
    const out = editJsonText(`{"deep": ${value}, "z": []}`, [{ path: ["k"], value: 1 }], 1e9);
    expect(out).toBe(`${JSON.stringify({ deep: JSON.parse(value), z: [], k: 1 }, null, 2)}\n`);
  });

  test("stops with TooLarge before the laid-out text passes its budget", () => {
    const text = `{"a": ${"[".repeat(900)}${"0,".repeat(10_000)}0${"]".repeat(900)}}`;
    expect(() => editJsonText(text, [{ path: ["k"], value: 1 }])).toThrow(TooLarge);
    // 15 UTF-16 units but 16 UTF-8 bytes: the budget is in bytes.
    expect(() => editJsonText(`{"a": "é"}`, [], 15)).toThrow(TooLarge);
    expect(editJsonText(`{"a": "é"}`, [], 16)).toBe(`{\n  "a": "é"\n}\n`);
  });

  test("a null on the way becomes an object; keys with escapes match their value", () => {
    const out = editJsonText(`{"tele\\u006detry": null}`, [{ path: ["telemetry", "enabled"], value: true }]);
    expect(out).toBe(`{\n  "tele\\u006detry": {\n    "enabled": true\n  }\n}\n`);
  });
});
