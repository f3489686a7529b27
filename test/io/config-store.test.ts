import { describe, expect, test } from "bun:test";
import { readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig, updateConfig } from "../../src/io/config-store.ts";
import { BUN, ROOT, tempDir } from "../support/cli.ts";

describe("loadConfig", () => {
  test("a missing file is an empty config and creates nothing", async () => {
    const dir = await tempDir();
    expect(await loadConfig(join(dir, "none.json"))).toEqual({
      path: join(dir, "none.json"),
      exists: false,
      config: {},
    });
  });
});

describe("updateConfig", () => {
  test("edits nested keys and keeps raw numbers, odd keys and their order", async () => {
    const dir = await tempDir();
    const path = join(dir, "c.json");
    await writeFile(
      path,
      `{"b": 12345678901234567890, "2": 1.50, "a": {"x": [1, {"y": null}], "e": "\\u00e9"}, "telemetry": null}`,
    );
    await updateConfig(path, () => [{ path: ["telemetry", "enabled"], value: false }]);
    expect(await readFile(path, "utf8")).toBe(
      `{\n  "b": 12345678901234567890,\n  "2": 1.50,\n  "a": {\n    "x": [\n      1,\n      {\n        "y": null\n      }\n    ],\n    "e": "\\u00e9"\n  },\n  "telemetry": {\n    "enabled": false\n  }\n}\n`,
    );
  });

  test("writes through a symlink, keeping the link", async () => {
    const dir = await tempDir();
    const real = join(dir, "real.json");
    await writeFile(real, "{}");
    await symlink(real, join(dir, "link.json"));
    await updateConfig(join(dir, "link.json"), () => [{ path: ["k"], value: 1 }]);
    expect(await readlink(join(dir, "link.json"))).toBe(real);
    expect(JSON.parse(await readFile(real, "utf8"))).toEqual({ k: 1 });
  });

  test("twenty processes changing different keys at once lose none of the changes", async () => {
    const dir = await tempDir();
    const path = join(dir, "mcp_config.json");
    await writeFile(path, `{"keep": "me"}\n`);
    const script = `import { updateConfig } from ${JSON.stringify(join(ROOT, "src/io/config-store.ts"))};
      const i = process.argv[2];
      await updateConfig(${JSON.stringify(path)}, () => [{ path: ["servers_" + i, "value"], value: Number(i) }]);`;
    const file = join(dir, "writer.ts");
    await writeFile(file, script);
    const procs = Array.from({ length: 20 }, (_, i) => Bun.spawn([BUN, file, String(i)], { stderr: "pipe" }));
    const codes = await Promise.all(procs.map((p) => p.exited));
    expect(codes).toEqual(Array(20).fill(0));
    const result = JSON.parse(await readFile(path, "utf8"));
    expect(result.keep).toBe("me");
    for (let i = 0; i < 20; i++) expect(result[`servers_${i}`]).toEqual({ value: i });
  });
});
