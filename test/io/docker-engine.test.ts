// The Docker engine ping against real unix-socket and loopback TCP servers.
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DockerEndpoint,
  findDockerEndpoint,
  pingDockerEngine,
  resetDockerEngineCache,
} from "../../src/io/docker-engine.ts";

type Reply = string | null;
interface FakeEngine {
  requests: string[];
  connections: number;
  closed: number;
  stop: () => void;
}

const roots: string[] = [];
const engines: FakeEngine[] = [];
afterAll(async () => {
  for (const engine of engines) engine.stop();
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});
beforeEach(() => resetDockerEngineCache());

async function tempRoot(): Promise<string> {
  // Short: a unix socket path must fit in about 100 bytes.
  const dir = await mkdtemp(join(tmpdir(), "mcpx-eng-"));
  roots.push(dir);
  return dir;
}

/** A server that records what it is sent and answers `reply` (or nothing, when null). */
function fakeEngine(where: { unix: string } | { hostname: string; port: number }, reply: Reply) {
  const engine = { requests: [] as string[], connections: 0, closed: 0, stop: () => {} };
  const server = Bun.listen({
    ...where,
    socket: {
      open() {
        engine.connections++;
      },
      data(socket, data) {
        engine.requests.push(data.toString());
        if (reply !== null) {
          socket.write(reply);
          socket.end();
        }
      },
      close() {
        engine.closed++;
      },
    },
  } as Parameters<typeof Bun.listen>[0]);
  engine.stop = () => server.stop(true);
  engines.push(engine);
  return { engine, port: "port" in server ? server.port : 0 };
}

const ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nOK";
const failing = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";

async function waitFor(condition: () => boolean, what: string, limitMs = 4000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("unix socket", () => {
  test("an engine answering 200 to GET /_ping is available", async () => {
    const sock = join(await tempRoot(), "d.sock");
    const { engine } = fakeEngine({ unix: sock }, ok);
    const env = { DOCKER_HOST: `unix://${sock}` };
    expect(await pingDockerEngine({ env, home: "/nowhere" })).toBe(true);
    expect(engine.requests.join("")).toStartWith("GET /_ping HTTP/1.0\r\n");
    await waitFor(() => engine.closed === engine.connections, "the client to close the socket");
  });

  test("an engine that never answers is not available, and the socket is closed", async () => {
    const sock = join(await tempRoot(), "d.sock");
    const { engine } = fakeEngine({ unix: sock }, null);
    const env = { DOCKER_HOST: `unix://${sock}` };
    expect(await pingDockerEngine({ env, home: "/nowhere" }, { timeoutMs: 150 })).toBe(false);
    expect(engine.connections).toBe(1);
    await waitFor(() => engine.closed === 1, "the client to close the socket");
  });

  test("a 500 answer is not available", async () => {
    const sock = join(await tempRoot(), "d.sock");
    fakeEngine({ unix: sock }, failing);
    expect(await pingDockerEngine({ env: { DOCKER_HOST: `unix://${sock}` }, home: "/nowhere" })).toBe(false);
  });

  test("an answer that is not HTTP is not available", async () => {
    const sock = join(await tempRoot(), "d.sock");
    fakeEngine({ unix: sock }, "SSH-2.0-OpenSSH\r\n");
    expect(await pingDockerEngine({ env: { DOCKER_HOST: `unix://${sock}` }, home: "/nowhere" })).toBe(false);
  });

  test("a socket path that does not exist is not available", async () => {
    const sock = join(await tempRoot(), "missing.sock");
    expect(await pingDockerEngine({ env: { DOCKER_HOST: `unix://${sock}` }, home: "/nowhere" })).toBe(false);
  });

  test("the answer is remembered per socket until reset", async () => {
    const sock = join(await tempRoot(), "d.sock");
    const { engine } = fakeEngine({ unix: sock }, ok);
    const input = { env: { DOCKER_HOST: `unix://${sock}` }, home: "/nowhere" };
    expect(await pingDockerEngine(input)).toBe(true);
    expect(await pingDockerEngine(input)).toBe(true);
    expect(engine.connections).toBe(1);
    engine.stop();
    await rm(sock, { force: true });
    expect(await pingDockerEngine(input)).toBe(true);
    resetDockerEngineCache();
    expect(await pingDockerEngine(input)).toBe(false);
  });

  test("without DOCKER_HOST, ~/.docker/run/docker.sock is used when the system socket is missing", async () => {
    const home = await tempRoot();
    await mkdir(join(home, ".docker", "run"), { recursive: true });
    const sock = join(home, ".docker", "run", "docker.sock");
    const input = { env: {}, home, systemSocket: join(home, "no-system.sock") };
    expect(await findDockerEndpoint(input)).toBeUndefined();
    fakeEngine({ unix: sock }, ok);
    expect(await findDockerEndpoint(input)).toEqual({ kind: "unix", path: sock, label: `unix://${sock}` });
    expect(await pingDockerEngine(input)).toBe(true);
  });

  test("without DOCKER_HOST, the system socket comes first when it exists", async () => {
    const home = await tempRoot();
    await mkdir(join(home, ".docker", "run"), { recursive: true });
    const system = join(home, "system.sock");
    fakeEngine({ unix: system }, ok);
    fakeEngine({ unix: join(home, ".docker", "run", "docker.sock") }, ok);
    const found = await findDockerEndpoint({ env: {}, home, systemSocket: system });
    expect(found).toEqual({ kind: "unix", path: system, label: `unix://${system}` });
  });
});

describe("DOCKER_HOST forms", () => {
  test("tcp:// is not tried unless allowed; allowed, it pings over plain HTTP", async () => {
    const { engine, port } = fakeEngine({ hostname: "127.0.0.1", port: 0 }, ok);
    const input = { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, home: "/nowhere" };
    expect(await pingDockerEngine(input)).toBe(false);
    expect(engine.connections).toBe(0);
    expect(await pingDockerEngine(input, { allowTcp: true })).toBe(true);
    expect(engine.requests.join("")).toStartWith("GET /_ping HTTP/1.0\r\n");
  });

  test("a refused tcp:// connection is not available", async () => {
    const { engine, port } = fakeEngine({ hostname: "127.0.0.1", port: 0 }, ok);
    engine.stop();
    const input = { env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, home: "/nowhere" };
    expect(await pingDockerEngine(input, { allowTcp: true })).toBe(false);
  });

  test.each([
    ["ssh://me@host"],
    ["npipe:////./pipe/docker_engine"],
    ["fd://"],
    ["/var/run/docker.sock"],
    ["tcp://"],
  ])("%s is not available", async (host) => {
    expect(await pingDockerEngine({ env: { DOCKER_HOST: host }, home: "/nowhere" }, { allowTcp: true })).toBe(
      false,
    );
  });

  test.each([
    ["unix:///run/user/1000/docker.sock", { kind: "unix", path: "/run/user/1000/docker.sock" }],
    ["tcp://10.0.0.2:2376", { kind: "tcp", host: "10.0.0.2", port: 2376 }],
    ["tcp://[::1]:2375", { kind: "tcp", host: "::1", port: 2375 }],
    ["tcp://docker.local", { kind: "tcp", host: "docker.local", port: 2375 }],
    ["ssh://me@host", { kind: "unsupported" }],
  ])("DOCKER_HOST=%s is read as %j", async (host, expected) => {
    const endpoint = { ...expected, label: host } as DockerEndpoint;
    expect(await findDockerEndpoint({ env: { DOCKER_HOST: host }, home: "/h" })).toEqual(endpoint);
  });
});
