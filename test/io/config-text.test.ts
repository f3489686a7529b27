import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { editJsonText, locateJsonError } from "../../src/io/config-text.ts";

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
