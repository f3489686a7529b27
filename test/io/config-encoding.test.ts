import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  decodeConfig,
  firstInvalidUtf8,
  lineColumn,
  tooDeepAt,
  wideEncoding,
} from "../../src/io/config-encoding.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("firstInvalidUtf8", () => {
  test.each([
    ["ASCII", bytes(0x7b, 0x7d), -1],
    ["é, €, 𝄞", new TextEncoder().encode("é€𝄞"), -1],
    ["Latin-1 é", bytes(0x61, 0xe9, 0x62), 1],
    ["a lone continuation byte", bytes(0x80), 0],
    ["an overlong /", bytes(0xc0, 0xaf), 0],
    ["an overlong 3-byte form", bytes(0xe0, 0x80, 0xaf), 0],
    ["a UTF-16 surrogate", bytes(0x61, 0xed, 0xa0, 0x80), 1],
    ["past U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80), 0],
    ["a truncated sequence at the end", bytes(0x61, 0x62, 0xe2, 0x82), 2],
    ["F5 and above", bytes(0xf5, 0x80, 0x80, 0x80), 0],
  ])("%s", (_, input, expected) => {
    expect(firstInvalidUtf8(input)).toBe(expected);
  });

  test("agrees with the fatal decoder on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (input) => {
        let valid = true;
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(input);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8(input) === -1).toBe(valid);
      }),
    );
  });
});

describe("wideEncoding", () => {
  test.each([
    [bytes(0xff, 0xfe, 0x7b, 0), "UTF-16 (little-endian)"],
    [bytes(0xfe, 0xff, 0, 0x7b), "UTF-16 (big-endian)"],
    [bytes(0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0), "UTF-32 (little-endian)"],
    [bytes(0, 0, 0xfe, 0xff), "UTF-32 (big-endian)"],
    [bytes(0x7b, 0, 0x7d, 0), "UTF-16 (little-endian)"],
    [bytes(0, 0x7b, 0, 0x7d), "UTF-16 (big-endian)"],
    [bytes(0x7b, 0, 0, 0), "UTF-32 (little-endian)"],
    [bytes(0, 0, 0, 0x7b), "UTF-32 (big-endian)"],
    [bytes(0x7b, 0), "UTF-16 (little-endian)"],
    [bytes(0x7b, 0x7d), ""],
    [bytes(0xef, 0xbb, 0xbf, 0x7b), ""],
    [bytes(), ""],
  ])("%p → %p", (input, expected) => {
    expect(wideEncoding(input)).toBe(expected);
  });
});

describe("decodeConfig", () => {
  test("keeps a UTF-8 BOM so the JSON check can name it", () => {
    expect(decodeConfig("c.json", bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe("\uFEFF{}");
  });
  test("names line, column (in characters) and offset of the first bad byte", () => {
    const input = new Uint8Array([...new TextEncoder().encode('{\n"é": "'), 0xff, 0x22, 0x7d]);
    expect(() => decodeConfig("c.json", input)).toThrow("c.json:2:7: not UTF-8: byte 0xFF at offset 9");
  });
});

describe("tooDeepAt", () => {
  test.each([
    ["{}", 1, -1],
    ["[[]]", 1, 1],
    ["[[]]", 2, -1],
    [`["[[[[", {"a": "{{{\\"[["}]`, 2, -1],
    [`{"a": [1], "b": [[2]]}`, 2, 17],
    ["]]]][[", 1, 5],
  ])("%p with at most %p levels → %p", (text, max, expected) => {
    expect(tooDeepAt(text, max)).toBe(expected);
  });

  test("1,000 levels pass, 1,001 do not", () => {
    expect(tooDeepAt("[".repeat(1000) + "]".repeat(1000))).toBe(-1);
    expect(tooDeepAt("[".repeat(1001) + "]".repeat(1001))).toBe(1000);
  });
});

test.each([
  ["abc", 0, { line: 1, column: 1 }],
  ["abc", 2, { line: 1, column: 3 }],
  ["a\nbc", 2, { line: 2, column: 1 }],
  ["a\n\nbc\n", 4, { line: 3, column: 2 }],
])("lineColumn(%p, %p)", (text, offset, expected) => {
  expect(lineColumn(text, offset)).toEqual(expected);
});
