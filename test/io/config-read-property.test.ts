// Reading any bytes as a config: exit 0 or 4, the same answer every time, and the file never changed.
import { describe, expect, test } from "bun:test";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { CliError, ExitCode } from "../../src/errors.ts";
import { loadConfig, updateConfig } from "../../src/io/config-store.ts";
import { tempDir } from "../support/cli.ts";

const encoder = new TextEncoder();

// Bytes near JSON: random bytes, JSON text with bad bytes spliced in, deep nesting, byte order marks.
const configBytes = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc
    .tuple(fc.jsonValue({ maxDepth: 4 }), fc.uint8Array({ maxLength: 3 }), fc.nat())
    .map(([value, noise, at]) => {
      const text = encoder.encode(JSON.stringify({ telemetry: { enabled: true }, extra: value }));
      const cut = at % (text.length + 1);
      return new Uint8Array([...text.slice(0, cut), ...noise, ...text.slice(cut)]);
    }),
  fc.tuple(fc.integer({ min: 990, max: 1010 }), fc.constantFrom("[", '{"a":')).map(([depth, open]) => {
    const close = open === "[" ? "]" : "}";
    return encoder.encode(`{"x":${open.repeat(depth)}1${close.repeat(depth)}}`);
  }),
  fc
    .tuple(fc.constantFrom([0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]), fc.jsonValue({ maxDepth: 2 }))
    .map(([bom, value]) => new Uint8Array([...bom, ...encoder.encode(JSON.stringify({ v: value }))])),
);

async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "ok";
  } catch (error) {
    if (error instanceof CliError) return `${error.exitCode} ${error.message}`;
    throw error;
  }
}

describe("reading hostile bytes", () => {
  test("exit 0 or 4, the same on every run; a refused file is never rewritten", async () => {
    const dir = await tempDir("mcpx-readprop-");
    const path = join(dir, "mcp_config.json");
    await fc.assert(
      fc.asyncProperty(configBytes, async (bytes) => {
        await writeFile(path, bytes);
        const first = await outcome(() => loadConfig(path));
        const second = await outcome(() => loadConfig(path));
        expect(second).toBe(first);
        expect(first === "ok" || first.startsWith(`${ExitCode.config} `)).toBe(true);
        if (first !== "ok") {
          const write = await outcome(() =>
            updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }]),
          );
          expect(write).toBe(first);
          expect(new Uint8Array(await readFile(path))).toEqual(bytes);
        }
      }),
      { numRuns: 150 },
    );
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
