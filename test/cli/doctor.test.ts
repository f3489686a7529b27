// `mcpproxy doctor` end to end: each check passing and failing for real, the exit code, and the counting.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { COMPILED, cleanEnv, ensureBinary, type Runner, run, SOURCE, tempDir } from "../support/cli.ts";

const roots: string[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function home() {
  const dir = await tempDir("mcpx-doctor-");
  roots.push(dir);
  return { dir, data: join(dir, ".mcpproxy"), config: join(dir, ".mcpproxy", "mcp_config.json") };
}

/** No docker anywhere: an empty PATH folder, no install places, a login shell that finds nothing. */
function noDocker(dir: string, extra: Record<string, string> = {}) {
  return cleanEnv(dir, {
    PATH: join(dir, "empty-bin"),
    MCPPROXY_DOCKER_CANDIDATES: join(dir, "nowhere", "docker"),
    SHELL: "/bin/false",
    DOCKER_HOST: `unix://${join(dir, "no.sock")}`,
    ...extra,
  });
}

type Check = { name: string; passed: boolean; required: boolean; detail: string; fix?: string };
const byName = (stdout: string) =>
  Object.fromEntries((JSON.parse(stdout).checks as Check[]).map((c) => [c.name, c]));

for (const runner of [SOURCE, COMPILED] as Runner[]) {
  describe(`doctor (${runner.name})`, () => {
    const cli = (args: string[], env: Record<string, string>) => run(runner, args, { env });

    test("a healthy install without Docker isolation: exit 0; Docker missing is reported but fails nothing", async () => {
      const h = await home();
      const r = await cli(["doctor", "--json"], noDocker(h.dir));
      expect([r.code, r.stderr]).toEqual([0, ""]);
      const checks = byName(r.stdout);
      expect(JSON.parse(r.stdout).ok).toBe(true);
      expect(Object.keys(checks)).toEqual([
        "config_valid",
        "data_dir_writable",
        "no_stale_locks",
        "docker_cli_found",
        "docker_engine_answers",
        "identity_clock_sane",
      ]);
      expect(checks.config_valid).toMatchObject({ passed: true, detail: "none yet (defaults apply)" });
      expect(checks.data_dir_writable).toMatchObject({ passed: true, detail: h.data });
      expect(checks.docker_cli_found).toMatchObject({ passed: false, required: false });
      expect(checks.docker_engine_answers).toMatchObject({ passed: false, required: false });
    });

    test("each result is counted into doctor_checks", async () => {
      const h = await home();
      const env = noDocker(h.dir);
      await cli(["doctor"], env);
      await cli(["doctor"], env);
      const payload = JSON.parse((await cli(["telemetry", "show-payload"], env)).stdout);
      expect(payload.doctor_checks).toEqual({
        config_valid: { pass: 2, fail: 0 },
        data_dir_writable: { pass: 2, fail: 0 },
        no_stale_locks: { pass: 2, fail: 0 },
        docker_cli_found: { pass: 0, fail: 2 },
        docker_engine_answers: { pass: 0, fail: 2 },
        identity_clock_sane: { pass: 2, fail: 0 },
      });
    });

    test("with Docker isolation on, a missing docker fails the command", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      await writeFile(h.config, '{"docker_isolation": {"enabled": true}}\n');
      const r = await cli(["doctor"], noDocker(h.dir));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("mcpproxy: 2 checks failed\n  hint: see the fixes above\n");
      expect(r.stdout).toMatch(/FAIL\s+docker_cli_found/);
      expect(r.stdout).toMatch(/→ install Docker/);
    });

    test("a docker on PATH is found", async () => {
      const h = await home();
      const bin = join(h.dir, "bin");
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, "docker"), "#!/bin/sh\nexit 0\n");
      await chmod(join(bin, "docker"), 0o755);
      const r = await cli(["doctor", "--json"], noDocker(h.dir, { PATH: bin }));
      expect(byName(r.stdout).docker_cli_found).toMatchObject({
        passed: true,
        detail: `${join(bin, "docker")} (path)`,
      });
    });

    test("a broken config fails its check, is left as it is, and nothing is counted", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      await writeFile(h.config, '{"telemetry": {"enabled": tru}}');
      const r = await cli(["doctor", "--json"], noDocker(h.dir));
      expect(r.code).toBe(1);
      expect(byName(r.stdout).config_valid).toMatchObject({
        passed: false,
        detail: `${h.config}:1:27: invalid JSON: unexpected character`,
      });
      expect(await readFile(h.config, "utf8")).toBe('{"telemetry": {"enabled": tru}}');
      expect(existsSync(join(h.data, "telemetry-counters.json"))).toBe(false);
    });

    test("a lock left by a process that is gone is reported (a warning: the next write clears it)", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      const lock = `${h.config}.lock`;
      await writeFile(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), token: "t" }));
      const r = await cli(["doctor", "--json"], noDocker(h.dir));
      expect(r.code).toBe(0);
      expect(byName(r.stdout).no_stale_locks).toMatchObject({ passed: false, required: false });
      expect(byName(r.stdout).no_stale_locks?.detail).toContain(lock);
    });

    test("an anonymous id dated after the clock fails the clock check", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      await writeFile(
        h.config,
        JSON.stringify({
          telemetry: {
            anonymous_id: "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21",
            anonymous_id_created_at: "2099-01-01T00:00:00Z",
          },
        }),
      );
      const r = await cli(["doctor", "--json"], noDocker(h.dir));
      expect(r.code).toBe(1);
      expect(byName(r.stdout).identity_clock_sane).toMatchObject({
        passed: false,
        fix: "check the system clock and time zone",
      });
    });

    test.each([
      ["DO_NOT_TRACK=1", { DO_NOT_TRACK: "1" }],
      ["CI=true", { CI: "true" }],
    ])("with %s nothing is counted", async (_, extra) => {
      const h = await home();
      const r = await cli(["doctor"], noDocker(h.dir, extra));
      expect(r.code).toBe(0);
      expect(existsSync(join(h.data, "telemetry-counters.json"))).toBe(false);
    });

    test("an unwritable data dir fails its check with the reason", async () => {
      const h = await home();
      await writeFile(join(h.dir, "file"), "");
      const r = await cli(["doctor", "--json", "--data-dir", join(h.dir, "file", "d")], noDocker(h.dir));
      expect(r.code).toBe(1);
      expect(byName(r.stdout).data_dir_writable).toMatchObject({
        passed: false,
        detail: `${join(h.dir, "file", "d")}: a part of the path is a file`,
      });
    });
  });
}
