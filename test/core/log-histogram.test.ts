import { describe, expect, test } from "bun:test";
import { countLine, histogramJson, isBlank, newHistogram } from "../../src/core/log-histogram.ts";

describe("isBlank", () => {
  test.each([
    ["", true],
    [" \t\r\n", true],
    ["\u0085\u00a0\u2003\u3000\u2028", true],
    ["\ufeff", false],
    ["x", false],
    ["   x   ", false],
  ])("%j → %p", (text, expected) => {
    expect(isBlank(text)).toBe(expected);
  });
});

describe("the histogram", () => {
  test("unclassified lines are counted apart, codes by count then name, cut lines counted", () => {
    const h = newHistogram();
    countLine(h, "MCPX_HTTP_401", false);
    countLine(h, "MCPX_UNKNOWN_UNCLASSIFIED", true);
    countLine(h, "MCPX_HTTP_5XX", false);
    countLine(h, "MCPX_HTTP_5XX", false);
    countLine(h, "MCPX_DOCKER_DAEMON_DOWN", false);
    expect(histogramJson(h)).toEqual({
      lines: 5,
      classified: 4,
      unclassified: 1,
      truncated: 1,
      codes: { MCPX_HTTP_5XX: 2, MCPX_DOCKER_DAEMON_DOWN: 1, MCPX_HTTP_401: 1 },
    });
    expect(Object.keys(histogramJson(h).codes)).toEqual([
      "MCPX_HTTP_5XX",
      "MCPX_DOCKER_DAEMON_DOWN",
      "MCPX_HTTP_401",
    ]);
  });
});
