// `mcpproxy docker source`, spawned from source with an environment built from nothing.
import { afterAll, describe, expect, test } from "bun:test";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cleanEnv, run, SOURCE, tempDir } from "../support/cli.ts";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function home(): Promise<string> {
  const dir = await tempDir("mcpx-dsrc-");
  roots.push(dir);
  return dir;
}

async function fakeDocker(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, "docker");
  await writeFile(file, "#!/bin/sh\necho fake docker\n");
  await chmod(file, 0o755);
  return file;
}

/** PATH, candidates and login shell all without docker (the machine has a real one in /usr/local/bin). */
async function envWithoutDocker(
  tmp: string,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  await mkdir(join(tmp, "empty-bin"), { recursive: true });
  return cleanEnv(tmp, {
    PATH: join(tmp, "empty-bin"),
    SHELL: "/bin/false",
    MCPPROXY_DOCKER_CANDIDATES: join(tmp, "nothing", "docker"),
    DOCKER_HOST: `unix://${join(tmp, "no-engine.sock")}`,
    ...extra,
  });
}

describe("docker source", () => {
  test("--json: docker on PATH, and an engine answering on DOCKER_HOST", async () => {
    const tmp = await home();
    const docker = await fakeDocker(join(tmp, "bin"));
    const sock = join(tmp, "engine.sock");
    const server = Bun.listen({
      unix: sock,
      socket: {
        data(socket) {
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
          socket.end();
        },
      },
    });
    try {
      const env = {
        HOME: tmp,
        PATH: `${join(tmp, "bin")}:/usr/bin:/bin`,
        SHELL: "/bin/false",
        DOCKER_HOST: `unix://${sock}`,
      };
      const result = await run(SOURCE, ["docker", "source", "--json"], { env });
      expect({ ...result, stdout: JSON.parse(result.stdout) }).toEqual({
        code: 0,
        stdout: { source: "path", path: docker, engine_available: true, docker_host: `unix://${sock}` },
        stderr: "",
      });
    } finally {
      server.stop(true);
    }
  });

  test("--json: absent is an answer, exit 0", async () => {
    const tmp = await home();
    const env = await envWithoutDocker(tmp);
    const result = await run(SOURCE, ["docker", "source", "--json"], { env });
    expect({ ...result, stdout: JSON.parse(result.stdout) }).toEqual({
      code: 0,
      stdout: { source: "absent", path: "", engine_available: false, docker_host: env.DOCKER_HOST },
      stderr: "",
    });
  });

  test("--json: a well-known place from MCPPROXY_DOCKER_CANDIDATES is bundled", async () => {
    const tmp = await home();
    const docker = await fakeDocker(join(tmp, "Applications", "bin"));
    const env = await envWithoutDocker(tmp, {
      MCPPROXY_DOCKER_CANDIDATES: `${join(tmp, "nothing", "docker")}:${docker}`,
    });
    const result = await run(SOURCE, ["docker", "source", "--json"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject({ source: "bundled", path: docker });
  });

  test("the human view of absent says what to do", async () => {
    const tmp = await home();
    const env = await envWithoutDocker(tmp);
    const result = await run(SOURCE, ["docker", "source"], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toEqual([
      "docker CLI   not found",
      "source       absent",
      "engine       not answering",
      `docker host  ${env.DOCKER_HOST}`,
      "hint: install Docker, add its folder to PATH, or list where it lives in MCPPROXY_DOCKER_CANDIDATES",
    ]);
  });
});
