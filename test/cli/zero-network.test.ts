// Proof of zero network connections: the compiled binary's socket calls, traced with strace. Reading commands
// never open an internet socket; sending commands open none under any opt-out (env, config, policy).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BINARY, BUN, cleanEnv, ensureBinary, tempDir } from "../support/cli.ts";
import { type Collector, startCollector } from "../support/collector.ts";

const STRACE = Bun.which("strace");
const roots: string[] = [];
const collectors: Collector[] = [];
beforeAll(ensureBinary, 120_000);
afterAll(async () => {
  for (const c of collectors) c.stop();
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function home(config: Record<string, unknown> = {}) {
  const dir = await tempDir("mcpx-net-");
  roots.push(dir);
  await mkdir(join(dir, ".mcpproxy"), { recursive: true });
  await writeFile(join(dir, ".mcpproxy", "mcp_config.json"), JSON.stringify(config));
  return dir;
}

/** Runs argv under strace (following children) and returns the socket calls it made. */
async function traced(argv: string[], env: Record<string, string>, killAfterMs?: number) {
  const log = join(roots[0] ?? "/tmp", `strace-${crypto.randomUUID()}.txt`);
  const proc = Bun.spawn(
    [STRACE as string, "-f", "-qq", "-e", "trace=socket,connect,sendto,sendmsg", "-o", log, ...argv],
    { env, stdout: "pipe", stderr: "pipe" },
  );
  if (killAfterMs !== undefined) {
    // Stop the traced daemon itself (SIGTERM to strace would only detach it): its pid is in daemon.json.
    setTimeout(async () => {
      const state = await readFile(join(env.HOME ?? "", ".mcpproxy", "daemon.json"), "utf8").catch(
        () => "{}",
      );
      const pid = (JSON.parse(state) as { pid?: number }).pid;
      if (pid) process.kill(pid, "SIGTERM");
      else proc.kill("SIGKILL");
    }, killAfterMs);
  }
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  const calls = (await readFile(log, "utf8").catch(() => "")).split("\n").filter((l) => l.trim() !== "");
  return { code, stdout, calls };
}

// Any internet socket (TCP or UDP, so DNS too) counts; a Unix socket is only fine to Docker's engine.
const network = (calls: string[]) =>
  calls.filter(
    (line) =>
      /AF_INET6?|AF_PACKET/.test(line) || (/connect\(/.test(line) && !/docker\.sock|AF_UNIX/.test(line)),
  );

const ID = "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21";

describe.skipIf(!STRACE)("zero network connections (strace; skipped by name when strace is missing)", () => {
  test("the tracer sees a real connection (so its silence below means something)", async () => {
    const c = startCollector();
    collectors.push(c);
    const dir = await home({ telemetry: { endpoint: c.url, notice_shown: true } });
    const { calls } = await traced([BINARY, "telemetry", "send"], cleanEnv(dir));
    expect(network(calls).length).toBeGreaterThan(0);
    expect(c.received).toHaveLength(1);
  });

  test("the tracer sees the daemon's heartbeat when telemetry is on", async () => {
    const c = startCollector();
    collectors.push(c);
    const dir = await home({ telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true } });
    const { calls } = await traced(
      [BINARY, "serve", "--listen", "127.0.0.1:0", "--heartbeat-delay", "1s", "--heartbeat-interval", "1h"],
      cleanEnv(dir),
      3_000,
    );
    expect(calls.filter((l) => /connect\(/.test(l) && /AF_INET/.test(l)).length).toBeGreaterThan(0);
    expect(c.heartbeats().length).toBeGreaterThan(0);
  });

  test.each([
    [["telemetry", "show-payload"]],
    [["telemetry", "status"]],
    [["telemetry", "status", "--explain"]],
    [["telemetry", "schema"]],
    [["telemetry", "log"]],
    [["diagnose", "connection refused"]],
    [["diagnostics", "codes"]],
    [["version"]],
  ])("%j opens no internet socket", async (args) => {
    const dir = await home({ telemetry: { anonymous_id: ID, endpoint: "http://127.0.0.1:9/v1" } });
    const { code, calls } = await traced([BINARY, ...args], cleanEnv(dir));
    expect(code).toBe(0);
    expect(network(calls)).toEqual([]);
  });

  const policyOff = async (dir: string) => {
    await writeFile(join(dir, "policy.json"), '{"telemetry": "off"}');
    return { MCPPROXY_POLICY_FILE: join(dir, "policy.json") };
  };
  const optOuts: Array<[string, Record<string, unknown>, (dir: string) => Promise<Record<string, string>>]> =
    [
      ["DO_NOT_TRACK=1", {}, async () => ({ DO_NOT_TRACK: "1" })],
      ["CI=true", {}, async () => ({ CI: "true" })],
      ["MCPPROXY_TELEMETRY=false", {}, async () => ({ MCPPROXY_TELEMETRY: "false" })],
      ["config off", { enabled: false }, async () => ({})],
      ["system policy off", {}, policyOff],
    ];

  describe.each(optOuts)("with %s", (_, telemetry, extraEnv) => {
    const collectorFor = () => {
      const c = startCollector();
      collectors.push(c);
      return c;
    };

    test("telemetry send opens no internet socket", async () => {
      const c = collectorFor();
      const dir = await home({
        telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true, ...telemetry },
      });
      const { code, calls } = await traced([BINARY, "telemetry", "send"], cleanEnv(dir, await extraEnv(dir)));
      expect(code).toBe(0);
      expect(network(calls)).toEqual([]);
      expect(c.received).toEqual([]);
    });

    test("telemetry disable sends no beacon", async () => {
      const c = collectorFor();
      const dir = await home({
        telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true, ...telemetry },
      });
      const { code, calls } = await traced(
        [BINARY, "telemetry", "disable"],
        cleanEnv(dir, await extraEnv(dir)),
      );
      expect(code).toBe(0);
      expect(network(calls)).toEqual([]);
      expect(c.received).toEqual([]);
    });

    test("serve's heartbeat loop opens no internet socket (it only listens)", async () => {
      const c = collectorFor();
      const dir = await home({
        telemetry: { endpoint: c.url, anonymous_id: ID, notice_shown: true, ...telemetry },
      });
      const env = cleanEnv(dir, await extraEnv(dir));
      const { calls } = await traced(
        [BINARY, "serve", "--listen", "127.0.0.1:0", "--heartbeat-delay", "1s", "--heartbeat-interval", "1s"],
        env,
        3_000,
      );
      // Listening makes an AF_INET socket; no connect() leaves it.
      expect(calls.filter((l) => /connect\(/.test(l) && /AF_INET/.test(l))).toEqual([]);
      expect(calls.filter((l) => /sendto\(.*AF_INET/.test(l))).toEqual([]);
      expect(c.received).toEqual([]);
    });
  });
});

// What the Bun runtime inside the binary can send of its own: its crash reporter. A crash of the runtime
// itself (not a JavaScript error) runs `curl` to bun.report by default on macOS and Windows; on Linux only
// when asked. We cannot trigger a runtime crash in mcpproxy, so a tiny program compiled by the same Bun
// shows the behaviour the README states.
describe.skipIf(!STRACE || process.platform !== "linux")("the runtime's crash reporter on Linux", () => {
  let crasher = "";
  beforeAll(async () => {
    const dir = await tempDir("mcpx-crash-");
    roots.push(dir);
    await writeFile(
      join(dir, "crash.ts"),
      'import { dlopen, FFIType } from "bun:ffi";\n' +
        'const c = dlopen("libc.so.6", { memset: { args: [FFIType.u64, FFIType.i32, FFIType.u64], returns: FFIType.ptr } });\n' +
        "c.symbols.memset(0, 0, 16);\n",
    );
    crasher = join(dir, "crasher");
    const built = Bun.spawnSync([BUN, "build", join(dir, "crash.ts"), "--compile", `--outfile=${crasher}`]);
    expect(built.exitCode).toBe(0);
  }, 120_000);

  test("a runtime crash sends nothing by default; pointed at a URL, it would (the tracer sees it)", async () => {
    const c = startCollector();
    collectors.push(c);
    const dir = await home();
    const quiet = await traced([crasher], { ...cleanEnv(dir), PATH: "/usr/bin:/bin" });
    expect(quiet.code).not.toBe(0);
    expect(network(quiet.calls)).toEqual([]);
    if (!Bun.which("curl")) return;
    const asked = await traced([crasher], {
      ...cleanEnv(dir),
      BUN_CRASH_REPORT_URL: c.url,
      PATH: "/usr/bin:/bin",
    });
    expect(asked.code).not.toBe(0);
    for (let i = 0; i < 50 && c.received.length === 0; i++) await Bun.sleep(100);
    expect(c.received.length).toBe(1);
  }, 60_000);
});
