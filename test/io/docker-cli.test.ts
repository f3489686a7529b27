// Docker CLI discovery against real fake-docker executables, a real login shell and a real memory file.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bundledCandidates,
  type DockerCliInput,
  resetDockerCliCache,
  resolveDockerCli,
  resolveDockerCliCheap,
} from "../../src/io/docker-cli.ts";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});
beforeEach(() => resetDockerCliCache());

async function tempRoot(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcpproxy-docker-cli-"));
  roots.push(dir);
  return dir;
}

async function writeExecutable(file: string, body = "echo fake docker", mode = 0o755): Promise<string> {
  await mkdir(join(file, ".."), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, mode);
  return file;
}

/** A world where nothing finds docker unless the test puts it there. */
async function world(env: Record<string, string> = {}): Promise<{ root: string; input: DockerCliInput }> {
  const root = await tempRoot();
  await mkdir(join(root, "empty-bin"));
  const input: DockerCliInput = {
    env: {
      PATH: join(root, "empty-bin"),
      SHELL: "/bin/false",
      MCPPROXY_DOCKER_CANDIDATES: join(root, "well-known", "docker"),
      HOME: join(root, "home"),
      ...env,
    },
    home: join(root, "home"),
    platform: "linux",
    dataDir: join(root, "home", ".mcpproxy"),
  };
  return { root, input };
}

const withEnv = (input: DockerCliInput, env: Record<string, string>): DockerCliInput => ({
  ...input,
  env: { ...input.env, ...env },
});

async function waitFor(condition: () => Promise<boolean>, what: string, limitMs = 4000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** Gone, or a zombie nobody reaps (the container's PID 1 may not). */
async function processGone(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}

describe("step 1: PATH", () => {
  test("a docker executable on PATH is found, with source path", async () => {
    const { root, input } = await world();
    const docker = await writeExecutable(join(root, "bin", "docker"));
    const found = await resolveDockerCli(
      withEnv(input, { PATH: `${join(root, "empty-bin")}:${join(root, "bin")}` }),
    );
    expect(found).toEqual({ source: "path", path: docker });
  });

  test("a docker file without an x bit is skipped for the next PATH entry", async () => {
    const { root, input } = await world();
    await writeExecutable(join(root, "first", "docker"), "echo no", 0o644);
    const docker = await writeExecutable(join(root, "second", "docker"));
    const env = { PATH: `${join(root, "first")}:${join(root, "second")}` };
    expect(await resolveDockerCli(withEnv(input, env))).toEqual({ source: "path", path: docker });
  });

  test("only a non-executable docker on PATH (and a folder named docker) finds nothing", async () => {
    const { root, input } = await world();
    await writeExecutable(join(root, "first", "docker"), "echo no", 0o644);
    await mkdir(join(root, "second", "docker"), { recursive: true });
    const env = { PATH: `${join(root, "first")}:${join(root, "second")}` };
    expect(await resolveDockerCli(withEnv(input, env))).toEqual({ source: "absent", path: "" });
  });

  test("relative and empty PATH entries are not searched", async () => {
    const { root, input } = await world();
    await writeExecutable(join(root, "rel", "docker"));
    const env = { PATH: `::rel:./rel:${join(root, "empty-bin")}` };
    const previous = process.cwd();
    process.chdir(root);
    try {
      expect(await resolveDockerCliCheap(withEnv(input, env))).toEqual({ source: "absent", path: "" });
    } finally {
      process.chdir(previous);
    }
  });
});

describe("step 2: well-known places", () => {
  test("MCPPROXY_DOCKER_CANDIDATES replaces the list; the first existing executable wins", async () => {
    const { root, input } = await world();
    await writeExecutable(join(root, "not-exec", "docker"), "echo no", 0o644);
    const docker = await writeExecutable(join(root, "well-known", "docker"));
    const list = [join(root, "missing", "docker"), join(root, "not-exec", "docker"), docker].join(":");
    const found = await resolveDockerCli(withEnv(input, { MCPPROXY_DOCKER_CANDIDATES: list }));
    expect(found).toEqual({ source: "bundled", path: docker });
  });

  test("~ in a candidate is the home folder", async () => {
    const { root, input } = await world({ MCPPROXY_DOCKER_CANDIDATES: "~/.rd/bin/docker" });
    const docker = await writeExecutable(join(root, "home", ".rd", "bin", "docker"));
    expect(await resolveDockerCliCheap(input)).toEqual({ source: "bundled", path: docker });
  });

  test("PATH wins over a well-known place", async () => {
    const { root, input } = await world();
    await writeExecutable(join(root, "well-known", "docker"));
    const onPath = await writeExecutable(join(root, "bin", "docker"));
    const found = await resolveDockerCliCheap(withEnv(input, { PATH: join(root, "bin") }));
    expect(found).toEqual({ source: "path", path: onPath });
  });

  test.each([
    [
      "darwin",
      {},
      [
        "/Applications/Docker.app/Contents/Resources/bin/docker",
        "/usr/local/bin/docker",
        "/opt/homebrew/bin/docker",
        "/opt/podman/bin/docker",
        "/Users/ann/.docker/bin/docker",
        "/Users/ann/.orbstack/bin/docker",
        "/Users/ann/.rd/bin/docker",
      ],
    ],
    [
      "linux",
      {},
      ["/usr/bin/docker", "/usr/local/bin/docker", "/snap/bin/docker", "/Users/ann/.rd/bin/docker"],
    ],
    ["win32", { ProgramFiles: "D:\\Apps" }, ["D:\\Apps\\Docker\\Docker\\resources\\bin\\docker.exe"]],
    ["win32", {}, ["C:\\Program Files\\Docker\\Docker\\resources\\bin\\docker.exe"]],
    ["linux", { MCPPROXY_DOCKER_CANDIDATES: "/a/docker::~/b/docker" }, ["/a/docker", "/Users/ann/b/docker"]],
    [
      "win32",
      { MCPPROXY_DOCKER_CANDIDATES: "C:\\d\\docker.exe;E:\\docker.exe" },
      ["C:\\d\\docker.exe", "E:\\docker.exe"],
    ],
  ])("the %s list with %j", (platform, env, expected) => {
    expect(bundledCandidates({ env, home: "/Users/ann", platform, dataDir: "/x" })).toEqual(expected);
  });

  test("without a home folder the ~ places are left out", () => {
    expect(bundledCandidates({ env: {}, home: "", platform: "linux", dataDir: "/x" })).toEqual([
      "/usr/bin/docker",
      "/usr/local/bin/docker",
      "/snap/bin/docker",
    ]);
  });
});

describe("step 3: login shell, and its memory", () => {
  /** HOME whose .bash_profile puts a folder holding docker on PATH; the caller's PATH has none. */
  async function loginShellWorld() {
    const { root, input } = await world({ SHELL: "/bin/bash" });
    const docker = await writeExecutable(join(root, "shell-only", "docker"));
    await mkdir(input.home, { recursive: true });
    await writeFile(
      join(input.home, ".bash_profile"),
      `echo "welcome banner"\nexport PATH="${join(root, "shell-only")}:$PATH"\n`,
    );
    return { root, input, docker, memory: join(input.dataDir, "docker-cli.json") };
  }

  test("bash -l finds docker; the find is remembered in the data dir (0600, dir 0700)", async () => {
    const { input, docker, memory } = await loginShellWorld();
    expect(await resolveDockerCli(input)).toEqual({ source: "login_shell", path: docker });
    expect(JSON.parse(await readFile(memory, "utf8"))).toEqual({ path: docker, source: "login_shell" });
    expect((await stat(memory)).mode & 0o777).toBe(0o600);
    expect((await stat(input.dataDir)).mode & 0o777).toBe(0o700);
  });

  test("the cheap resolver reports the remembered login_shell find without a shell", async () => {
    const { input, docker, memory } = await loginShellWorld();
    await resolveDockerCli(input);
    const noShell = withEnv(input, { SHELL: join(input.home, "no-such-shell") });
    expect(await resolveDockerCliCheap(noShell)).toEqual({ source: "login_shell", path: docker });
    await rm(memory);
    expect(await resolveDockerCliCheap(noShell)).toEqual({ source: "absent", path: "" });
  });

  test("a remembered binary that is gone or no longer executable is ignored", async () => {
    const { input, docker } = await loginShellWorld();
    await resolveDockerCli(input);
    await chmod(docker, 0o644);
    expect(await resolveDockerCliCheap(input)).toEqual({ source: "absent", path: "" });
    await rm(docker);
    expect(await resolveDockerCliCheap(input)).toEqual({ source: "absent", path: "" });
  });

  test.each([
    ["garbled JSON", "{not json"],
    ["another source", null],
    ["a relative path", JSON.stringify({ path: "bin/docker", source: "login_shell" })],
    ["JSON null", "null"],
  ])("a memory file with %s is ignored", async (_, text) => {
    const { root, input } = await world();
    const docker = await writeExecutable(join(root, "somewhere", "docker"));
    await mkdir(input.dataDir, { recursive: true });
    const body = text ?? JSON.stringify({ path: docker, source: "path" });
    await writeFile(join(input.dataDir, "docker-cli.json"), body);
    expect(await resolveDockerCliCheap(input)).toEqual({ source: "absent", path: "" });
  });

  test("a memory file that cannot be written does not fail the resolution", async () => {
    const { input, docker } = await loginShellWorld();
    await writeFile(join(input.home, "a-file"), "");
    const blocked = { ...input, dataDir: join(input.home, "a-file", "data") };
    expect(await resolveDockerCli(blocked)).toEqual({ source: "login_shell", path: docker });
  });

  test("a stale memory file is removed when the full resolver finds docker otherwise, or not at all", async () => {
    const { root, input, memory } = await loginShellWorld();
    await resolveDockerCli(input);
    resetDockerCliCache();
    const onPath = await writeExecutable(join(root, "bin", "docker"));
    expect(await resolveDockerCli(withEnv(input, { PATH: join(root, "bin") }))).toEqual({
      source: "path",
      path: onPath,
    });
    expect(await Bun.file(memory).exists()).toBe(false);

    await resolveDockerCli(input);
    expect(await Bun.file(memory).exists()).toBe(true);
    resetDockerCliCache();
    expect(await resolveDockerCli(withEnv(input, { SHELL: "/bin/false" }))).toEqual({
      source: "absent",
      path: "",
    });
    expect(await Bun.file(memory).exists()).toBe(false);
  });

  test("a shell that prints no path, or is missing, finds nothing", async () => {
    const { root, input } = await world();
    const quiet = await writeExecutable(join(root, "shells", "quiet"), "echo 'docker not here'; exit 0");
    expect(await resolveDockerCli(withEnv(input, { SHELL: quiet }))).toEqual({ source: "absent", path: "" });
    const missing = join(root, "shells", "missing");
    expect(await resolveDockerCli(withEnv(input, { SHELL: missing }))).toEqual({
      source: "absent",
      path: "",
    });
  });

  test("a hanging login shell is killed, with its children, after the timeout", async () => {
    const { root, input } = await world();
    const shell = await writeExecutable(
      join(root, "shells", "hang"),
      `echo $$ > "${root}/shell.pid"\n/bin/sleep 30 &\necho $! > "${root}/sleep.pid"\nwait`,
    );
    const started = Bun.file(join(root, "sleep.pid"));
    const found = await resolveDockerCli(withEnv(input, { SHELL: shell }), Date.now, {
      loginShellTimeoutMs: 300,
    });
    expect(found).toEqual({ source: "absent", path: "" });
    await waitFor(() => started.exists(), "the hanging shell to have started");
    const pids = [join(root, "shell.pid"), join(root, "sleep.pid")];
    for (const file of pids) {
      const pid = Number((await readFile(file, "utf8")).trim());
      await waitFor(() => processGone(pid), `process ${pid} to be gone`);
    }
  });
});

describe("cache", () => {
  test("a miss is kept for 60 s, then the full search runs again", async () => {
    const { root, input } = await world();
    let clock = 1_000_000;
    const now = () => clock;
    const lookIn = withEnv(input, { PATH: join(root, "bin") });
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "absent", path: "" });
    const docker = await writeExecutable(join(root, "bin", "docker"));
    clock += 59_999;
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "absent", path: "" });
    clock += 1;
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "path", path: docker });
  });

  test("a find is kept for the life of the process", async () => {
    const { root, input } = await world();
    let clock = 0;
    const now = () => clock;
    const docker = await writeExecutable(join(root, "bin", "docker"));
    const lookIn = withEnv(input, { PATH: join(root, "bin") });
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "path", path: docker });
    await rm(docker);
    clock += 365 * 24 * 3600 * 1000;
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "path", path: docker });
    resetDockerCliCache();
    expect(await resolveDockerCli(lookIn, now)).toEqual({ source: "absent", path: "" });
  });

  test("while a miss is cached, a candidate that appears upgrades the cache to bundled for good", async () => {
    const { root, input } = await world();
    let clock = 0;
    const now = () => clock;
    expect(await resolveDockerCli(input, now)).toEqual({ source: "absent", path: "" });
    const candidate = await writeExecutable(join(root, "well-known", "docker"));
    clock += 10_000;
    expect(await resolveDockerCli(input, now)).toEqual({ source: "bundled", path: candidate });
    await rm(candidate);
    clock += 3_600_000;
    expect(await resolveDockerCli(input, now)).toEqual({ source: "bundled", path: candidate });
  });

  test("concurrent calls share one search", async () => {
    const { root, input } = await world();
    const docker = await writeExecutable(join(root, "bin", "docker"));
    const lookIn = withEnv(input, { PATH: join(root, "bin") });
    const results = await Promise.all([resolveDockerCli(lookIn), resolveDockerCli(lookIn)]);
    expect(results).toEqual([
      { source: "path", path: docker },
      { source: "path", path: docker },
    ]);
  });
});
