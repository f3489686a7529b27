// postHeartbeat against real loopback servers: retries, Retry-After, redirects, timeouts, TLS and proxies.
import { afterAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PostRequest, postHeartbeat } from "../../src/io/heartbeat-post.ts";
import { ROOT } from "../support/cli.ts";

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  bytes: Uint8Array;
  at: number;
}

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A recording server; `reply` answers the n-th request (1-based), or never when it returns null. */
function origin(reply: (n: number) => Response | null = () => new Response(null, { status: 204 })) {
  const seen: Seen[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const bytes = new Uint8Array(await req.arrayBuffer());
      seen.push({
        method: req.method,
        path: new URL(req.url).pathname,
        headers: Object.fromEntries(req.headers),
        bytes,
        at: performance.now(),
      });
      return reply(seen.length) ?? new Promise<Response>(() => {});
    },
  });
  cleanups.push(() => server.stop(true));
  return { seen, url: `http://127.0.0.1:${server.port}/heartbeat` };
}

// Non-ASCII and escapes: the server must receive these exact bytes, not a re-serialisation.
const BODY = '{"b":1,  "a":"é\\u00e9 \\"q\\"","n":[1.50,2]}';
const fast = { version: "v1.2.3", env: {}, backoffMs: 10, timeoutMs: 2_000, body: BODY };
const post = (url: string, extra: Partial<PostRequest> = {}) => postHeartbeat({ ...fast, url, ...extra });
const gaps = (seen: Seen[]) => seen.slice(1).map((s, i) => s.at - (seen[i]?.at ?? 0));

describe("postHeartbeat", () => {
  test("a 2xx on the first attempt: one request, our headers, the exact bytes", async () => {
    const server = origin(() => new Response("ok", { status: 200 }));
    expect(await post(server.url)).toEqual({ ok: true, status: 200, attempts: 1 });
    expect(server.seen).toHaveLength(1);
    const [got] = server.seen;
    expect(got?.method).toBe("POST");
    expect(got?.path).toBe("/heartbeat");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.headers["user-agent"]).toBe("mcpproxy/v1.2.3");
    expect(got?.bytes).toEqual(new TextEncoder().encode(BODY));
  });

  test("a 500 then a 200: retried once", async () => {
    const server = origin((n) => new Response(null, { status: n === 1 ? 500 : 200 }));
    expect(await post(server.url)).toEqual({ ok: true, status: 200, attempts: 2 });
    expect(server.seen).toHaveLength(2);
    expect(server.seen[1]?.bytes).toEqual(new TextEncoder().encode(BODY));
  });

  test.each([500, 501, 503, 599, 408, 429])(
    "%p every time: three attempts, then an http failure",
    async (status) => {
      const server = origin(() => new Response(null, { status }));
      const outcome = await post(server.url);
      expect(outcome).toEqual({
        ok: false,
        kind: "http",
        status,
        message: `${new URL(server.url).host} answered ${status} (3 attempts)`,
        attempts: 3,
      });
      expect(server.seen).toHaveLength(3);
      // Every retry sleeps: the backoff doubles (10 ms, then 20 ms).
      const [first = 0, second = 0] = gaps(server.seen);
      expect([first >= 9, second >= 19]).toEqual([true, true]);
    },
  );

  test.each([400, 401, 404, 409, 413])("%p is not retried", async (status) => {
    const server = origin(() => new Response(null, { status }));
    expect(await post(server.url)).toMatchObject({ ok: false, kind: "http", status, attempts: 1 });
    expect(server.seen).toHaveLength(1);
  });

  test("a 429 with Retry-After: 1 waits about a second, not the 10 ms backoff", async () => {
    const server = origin((n) =>
      n === 1 ? new Response(null, { status: 429, headers: { "Retry-After": "1" } }) : new Response(null),
    );
    expect(await post(server.url)).toEqual({ ok: true, status: 200, attempts: 2 });
    expect(gaps(server.seen)[0]).toBeGreaterThanOrEqual(950);
  });

  test("a Retry-After as an HTTP date is honoured", async () => {
    const at = new Date(Date.now() + 2_000).toUTCString(); // whole seconds: between 1 and 2 s away
    const server = origin((n) =>
      n === 1 ? new Response(null, { status: 503, headers: { "Retry-After": at } }) : new Response(null),
    );
    expect(await post(server.url)).toMatchObject({ ok: true, attempts: 2 });
    expect(gaps(server.seen)[0]).toBeGreaterThanOrEqual(900);
  });

  test("a Retry-After over the cap waits only the cap", async () => {
    const server = origin((n) =>
      n === 1 ? new Response(null, { status: 503, headers: { "Retry-After": "120" } }) : new Response(null),
    );
    const started = performance.now();
    expect(await post(server.url, { maxRetryAfterMs: 300 })).toMatchObject({ ok: true, attempts: 2 });
    expect(gaps(server.seen)[0]).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("a 301 is not followed: a failure after one request", async () => {
    const elsewhere = origin();
    const server = origin(() => new Response(null, { status: 301, headers: { Location: elsewhere.url } }));
    const outcome = await post(server.url);
    expect(outcome).toMatchObject({ ok: false, kind: "redirect", status: 301, attempts: 1 });
    expect(server.seen).toHaveLength(1);
    expect(elsewhere.seen).toHaveLength(0);
  });

  test("a 200 whose body is not JSON is still a success", async () => {
    const server = origin(
      () => new Response("<html>not json", { status: 200, headers: { "Content-Type": "application/json" } }),
    );
    expect(await post(server.url)).toEqual({ ok: true, status: 200, attempts: 1 });
  });

  test("connection refused: three attempts, then kind refused", async () => {
    const closed = createNetServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as { port: number };
    await new Promise((done) => closed.close(done));
    const outcome = await post(`http://127.0.0.1:${port}/heartbeat`);
    expect(outcome).toEqual({
      ok: false,
      kind: "refused",
      message: `127.0.0.1:${port} refused the connection (3 attempts)`,
      attempts: 3,
    });
  });

  test("a host whose name says tls or cert is not mistaken for a certificate fault", async () => {
    const outcome = await post("http://tls.cert.invalid/heartbeat", { retries: 0 });
    expect(outcome.ok ? "ok" : outcome.kind).toBeOneOf(["network", "timeout"]);
  });

  test("a server that never answers: a timeout per attempt, exactly three attempts", async () => {
    const server = origin(() => null);
    const started = performance.now();
    const outcome = await post(server.url, { timeoutMs: 300 });
    expect(outcome).toEqual({
      ok: false,
      kind: "timeout",
      message: `no answer from ${new URL(server.url).host} within 0.3 s (3 attempts)`,
      attempts: 3,
    });
    expect(server.seen).toHaveLength(3);
    // Each attempt had its own 300 ms: a shared signal would abort the retries at once.
    expect(gaps(server.seen).every((gap) => gap >= 290)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

const openssl = Bun.which("openssl");

async function selfSignedServer() {
  const dir = await mkdtemp(join(tmpdir(), "mcpx-tls-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const made = spawnSync(
    openssl ?? "openssl",
    [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
      ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
    ],
    { stdio: "ignore" },
  );
  if (made.status !== 0) throw new Error("openssl could not make a certificate");
  const [key, cert] = await Promise.all([
    readFile(join(dir, "key.pem"), "utf8"),
    readFile(join(dir, "cert.pem"), "utf8"),
  ]);
  let requests = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls: { key, cert },
    fetch: () => {
      requests++;
      return new Response(null);
    },
  });
  cleanups.push(() => server.stop(true));
  return { url: `https://127.0.0.1:${server.port}/heartbeat`, requests: () => requests };
}

describe.skipIf(!openssl)("TLS (needs openssl)", () => {
  test("a self-signed certificate: kind tls, one line, not retried", async () => {
    const server = await selfSignedServer();
    const outcome = await post(server.url);
    expect(outcome).toMatchObject({ ok: false, kind: "tls", attempts: 1 });
    const message = outcome.ok ? "" : outcome.message;
    expect(message).toStartWith(`the TLS certificate of ${new URL(server.url).host} is not trusted (`);
    expect(message).not.toContain("\n");
    expect(message).not.toMatch(/\bat\s+\S+:\d+/);
    expect(server.requests()).toBe(0);
  });

  test("through HTTPS_PROXY: a CONNECT tunnel to the server", async () => {
    const server = await selfSignedServer();
    const proxy = await recordingProxy();
    const outcome = await post(server.url, { env: { HTTPS_PROXY: proxy.url } });
    expect(outcome).toMatchObject({ ok: false, kind: "tls" });
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${new URL(server.url).port}`]);
  });
});
if (!openssl) test.skip("TLS: skipped, openssl not found", () => {});

/** An HTTP proxy on loopback: forwards absolute-URI requests, tunnels CONNECT, records both. */
async function recordingProxy() {
  const seen: string[] = [];
  const server: Server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? "");
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host = "", port = ""] = (req.url ?? "").split(":");
    const tunnel = connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      tunnel.write(head);
      tunnel.pipe(socket).pipe(tunnel);
    });
    tunnel.on("error", () => socket.destroy());
    socket.on("error", () => tunnel.destroy());
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { seen, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe("proxies, from the env passed in", () => {
  test("HTTP_PROXY: the request goes through the proxy, headers and bytes intact", async () => {
    const server = origin(() => new Response(null, { status: 202 }));
    const proxy = await recordingProxy();
    expect(await post(server.url, { env: { HTTP_PROXY: proxy.url } })).toEqual({
      ok: true,
      status: 202,
      attempts: 1,
    });
    expect(proxy.seen).toEqual([`POST ${server.url}`]);
    expect(server.seen[0]?.headers["user-agent"]).toBe("mcpproxy/v1.2.3");
    expect(server.seen[0]?.bytes).toEqual(new TextEncoder().encode(BODY));
  });

  test("NO_PROXY=127.0.0.1 bypasses it", async () => {
    const server = origin();
    const proxy = await recordingProxy();
    const env = { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" };
    expect(await post(server.url, { env })).toMatchObject({ ok: true, attempts: 1 });
    expect(proxy.seen).toEqual([]);
    expect(server.seen).toHaveLength(1);
  });

  test("a proxy that is down: refused, not a silent direct connection", async () => {
    const server = origin();
    const closed = createNetServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as { port: number };
    await new Promise((done) => closed.close(done));
    const outcome = await post(server.url, { env: { http_proxy: `127.0.0.1:${port}` } });
    expect(outcome).toMatchObject({ ok: false, kind: "refused", attempts: 3 });
    expect(server.seen).toHaveLength(0);
  });

  test("the process's own HTTP_PROXY is not read: only the env passed in counts", async () => {
    const server = origin();
    const proxy = await recordingProxy();
    const before = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = proxy.url;
    try {
      expect(await post(server.url, { env: {} })).toMatchObject({ ok: true });
    } finally {
      if (before === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = before;
    }
    expect(proxy.seen).toEqual([]);
  });
});

describe("under Deno", () => {
  test("success through a proxy, a redirect, a timeout, a refusal and (with openssl) TLS", async () => {
    const ok = origin(() => new Response("x", { status: 200 }));
    const moved = origin(() => new Response(null, { status: 308, headers: { Location: ok.url } }));
    const silent = origin(() => null);
    const proxy = await recordingProxy();
    const closed = createNetServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const { port } = closed.address() as { port: number };
    await new Promise((done) => closed.close(done));
    const requests = [
      { ...fast, url: ok.url, env: { HTTP_PROXY: proxy.url } },
      { ...fast, url: moved.url },
      { ...fast, url: silent.url, timeoutMs: 300 },
      { ...fast, url: `http://127.0.0.1:${port}/heartbeat` },
      ...(openssl ? [{ ...fast, url: (await selfSignedServer()).url }] : []),
    ];
    const denoDir = await mkdtemp(join(tmpdir(), "mcpx-deno-"));
    cleanups.push(() => rm(denoDir, { recursive: true, force: true }));
    const proc = Bun.spawn(
      [
        join(ROOT, "node_modules/.bin/deno"),
        "run",
        "-A",
        "--quiet",
        join(ROOT, "test/support/post-heartbeat.ts"),
      ],
      {
        cwd: ROOT,
        env: { PATH: "/usr/bin:/bin", HOME: denoDir, DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
        stdin: new TextEncoder().encode(JSON.stringify(requests)),
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    expect([code, stderr]).toEqual([0, ""]);
    const outcomes = JSON.parse(stdout);
    expect(outcomes).toMatchObject([
      { ok: true, status: 200, attempts: 1 },
      { ok: false, kind: "redirect", status: 308, attempts: 1 },
      { ok: false, kind: "timeout", attempts: 3 },
      { ok: false, kind: "refused", attempts: 3 },
      ...(openssl ? [{ ok: false, kind: "tls", attempts: 1 }] : []),
    ]);
    if (openssl)
      expect(outcomes[4].message).toMatch(
        /^the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(invalid peer/,
      );
    expect(proxy.seen).toEqual([`POST ${ok.url}`]);
    expect(ok.seen).toHaveLength(1);
    expect(ok.seen[0]?.headers["content-type"]).toBe("application/json");
    expect(ok.seen[0]?.headers["user-agent"]).toBe("mcpproxy/v1.2.3");
    expect(ok.seen[0]?.bytes).toEqual(new TextEncoder().encode(BODY));
    expect(moved.seen).toHaveLength(1);
    expect(silent.seen).toHaveLength(3);
  }, 60_000);
});
