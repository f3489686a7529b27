// `mcpproxy diagnose` end to end: from source and compiled, in a temp HOME, env built from nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CATALOG } from "../../src/core/catalog.ts";
import { gzipped, zipped, zstdCompressed } from "../support/archives.ts";
import {
  asNobody,
  COMPILED,
  cleanEnv,
  ensureBinary,
  IS_ROOT,
  nobodyCanRun,
  nobodyRunner,
  type Runner,
  run,
  SOURCE,
  tempDir,
} from "../support/cli.ts";

const ENTRY_KEYS = ["code", "severity", "user_message", "fix_steps", "docs_url"];
const roots: string[] = [];
let shared: string;
let longLine: string;

async function home() {
  const dir = await tempDir("mcpx-diag-");
  roots.push(dir);
  return { dir, data: join(dir, ".mcpproxy"), config: join(dir, ".mcpproxy", "mcp_config.json") };
}

// One line of ~100 MB with its error at the start, written in pieces so the test itself stays small.
async function writeLongLine(path: string) {
  const writer = Bun.file(path).writer();
  writer.write("dial tcp 127.0.0.1:8080: connect: connection refused ");
  const block = "A".repeat(1024 * 1024);
  for (let i = 0; i < 100; i++) writer.write(block);
  writer.write("\n");
  await writer.end();
}

// Where `nobody` cannot enter the checkout (a clone in a private folder), that test is skipped by name.
await ensureBinary();
// As nobody: the compiled binary always runs from a world-readable copy; the source only where nobody reaches it.
const nobodyRunners: Record<string, Runner | null> = {
  source: (await nobodyCanRun(SOURCE)) ? asNobody(SOURCE) : null,
  compiled: IS_ROOT ? await nobodyRunner() : null,
};

beforeAll(async () => {
  shared = await tempDir("mcpx-diag-shared-");
  roots.push(shared);
  longLine = join(shared, "long-line.log");
  await Promise.all([ensureBinary(), writeLongLine(longLine)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(roots.map((dir) => rm(dir, { recursive: true, force: true })));
});

// The mixed log: CRLF and LF, blank and whitespace-only lines, invalid UTF-8, no final newline.
const MIXED_LOG = Buffer.concat([
  Buffer.from("2026-11-23T10:00:00Z zsh:1: command not found: docker\r\n"),
  Buffer.from("\n\r\n   \t \n"),
  Buffer.from("Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n"),
  Buffer.from([0xff, 0xfe, 0xc3, 0x20]),
  Buffer.from("x509: certificate signed by unknown authority\r\n"),
  Buffer.from("INFO server github connected, 14 tools\n"),
  Buffer.from("cannot connect to the docker daemon \xc3\x28 again\n", "latin1"),
  Buffer.from("Error response from daemon: pull access denied for acme/tool"),
]);
const MIXED_HISTOGRAM = {
  lines: 6,
  classified: 5,
  unclassified: 1,
  truncated: 0,
  codes: {
    MCPX_DOCKER_DAEMON_DOWN: 2,
    MCPX_DOCKER_CLI_NOT_FOUND: 1,
    MCPX_DOCKER_IMAGE_PULL_FAILED: 1,
    MCPX_HTTP_TLS_FAILED: 1,
  },
};

async function serverConfig(path: string) {
  const config = {
    docker_isolation: { enabled: true },
    mcpServers: [
      { name: "py-tools", command: "uvx", args: ["mcp-server-time"], protocol: "stdio", enabled: true },
      {
        name: "py-local",
        command: "uvx",
        protocol: "stdio",
        enabled: true,
        isolation: { enabled: false },
      },
      { name: "remote", url: "https://mcp.example.com/mcp", protocol: "streamable-http", enabled: true },
    ],
  };
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, JSON.stringify(config, null, 2));
}

describe.each([SOURCE, COMPILED])("diagnose ($name)", (runner: Runner) => {
  const cli = (args: string[], env: Record<string, string>, stdin?: string | Uint8Array) =>
    run(runner, args, { env, stdin });
  // --json goes first: after `--`, every word is error text.
  const classify = async (args: string[], stdin?: string, dir?: string) => {
    const r = await cli(["diagnose", "--json", ...args], cleanEnv(dir ?? (await home()).dir), stdin);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    return JSON.parse(r.stdout).code as string;
  };

  test("text arguments: the human report names code, severity, message, numbered steps and docs", async () => {
    const h = await home();
    const r = await cli(["diagnose", "spawn", "npx", "ENOENT", "--transport", "stdio"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const entry = CATALOG.MCPX_STDIO_SPAWN_ENOENT;
    expect(r.stdout).toStartWith("MCPX_STDIO_SPAWN_ENOENT (error)\n");
    expect(r.stdout).toContain(entry.user_message);
    expect(r.stdout).toContain(
      "  1. Check that the command resolves in a terminal\n       command -v <command>\n",
    );
    expect(r.stdout).toContain(
      "  4. Install Node.js (provides npx)\n       https://nodejs.org/en/download\n",
    );
    expect(r.stdout).toEndWith(`Docs: ${entry.docs_url}\n`);
    expect(r.stdout).not.toContain("\u001b[");
    expect(existsSync(h.data)).toBe(false);
  });

  test("--json prints exactly the catalog entry, in the documented shape", async () => {
    const h = await home();
    const r = await cli(
      ["diagnose", "zsh:1: command not found: docker", "--docker-isolated", "--json"],
      cleanEnv(h.dir),
    );
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(ENTRY_KEYS);
    expect(result).toEqual(CATALOG.MCPX_DOCKER_CLI_NOT_FOUND);
  });

  // diagnostics.md, "Two consequences worth a test each".
  test.each([
    [["zsh:1: command not found: docker", "--docker-isolated"], "MCPX_DOCKER_CLI_NOT_FOUND"],
    [["exec format error", "--transport", "stdio"], "MCPX_STDIO_SPAWN_EXEC_FORMAT"],
    [
      ["OCI runtime create failed: runc create failed: exec format error", "--transport", "stdio"],
      "MCPX_DOCKER_OCI_RUNTIME",
    ],
  ])("spec consequence: %j is %s", async (args, code) => {
    expect(await classify(args)).toBe(code);
  });

  test.each([
    [["whatever", "--errno", "enoent"], "MCPX_STDIO_SPAWN_ENOENT"],
    [["whatever", "--errno", "EConnRefused"], "MCPX_HTTP_CONN_REFUSED"],
    [
      ["spawn failed", "--errno", "ENOENT", "--spawn-path", "/usr/local/bin/docker", "--docker-isolated"],
      "MCPX_DOCKER_CLI_NOT_FOUND",
    ],
    [["upstream said no", "--http-status", "503"], "MCPX_HTTP_5XX"],
    [["request failed", "--transport", "sse", "--timed-out"], "MCPX_HTTP_TIMEOUT"],
    [["it stopped", "--exit-code", "2"], "MCPX_STDIO_EXIT_NONZERO"],
    [["it stopped", "--exit-code=-1"], "MCPX_STDIO_EXIT_NONZERO"],
    [["it stopped", "--exit-code", "0"], "MCPX_UNKNOWN_UNCLASSIFIED"],
    [["--", "--weird leading dashes: connection refused"], "MCPX_HTTP_CONN_REFUSED"],
  ])("hint flags: %j is %s", async (args, code) => {
    expect(await classify(args)).toBe(code);
  });

  test("`-` reads stdin as ONE message, however many lines", async () => {
    // Split over lines, the four words of the image-pull wording only match as one message.
    const stdin = "docker run failed\nimage ghcr.io/acme/tool\npull did not finish\n";
    expect(await classify(["-"], stdin)).toBe("MCPX_DOCKER_IMAGE_PULL_FAILED");
  });

  test("no argument with piped stdin reads stdin, with the hints", async () => {
    const stdin = "Error: failed to start\r\nzsh:1: command not found: docker\r\n";
    expect(await classify(["--docker-isolated"], stdin)).toBe("MCPX_DOCKER_CLI_NOT_FOUND");
  });

  test("--file: a histogram of a mixed log (CRLF, blanks, invalid UTF-8, no final newline)", async () => {
    const h = await home();
    const log = join(h.dir, "proxy.log");
    await writeFile(log, MIXED_LOG);
    const json = await cli(["diagnose", "--file", log, "--json"], cleanEnv(h.dir));
    expect([json.code, json.stderr]).toEqual([0, ""]);
    const histogram = JSON.parse(json.stdout);
    expect(histogram).toEqual(MIXED_HISTOGRAM);
    // Sorted by count, then by code.
    expect(Object.keys(histogram.codes)).toEqual(Object.keys(MIXED_HISTOGRAM.codes));

    const table = await cli(["diagnose", "--file", log], cleanEnv(h.dir));
    expect([table.code, table.stderr]).toEqual([0, ""]);
    expect(table.stdout).toBe(
      [
        "COUNT  CODE",
        "    2  MCPX_DOCKER_DAEMON_DOWN",
        "    1  MCPX_DOCKER_CLI_NOT_FOUND",
        "    1  MCPX_DOCKER_IMAGE_PULL_FAILED",
        "    1  MCPX_HTTP_TLS_FAILED",
        "    1  unclassified",
        "",
        "6 lines: 5 classified, 1 unclassified",
        "",
      ].join("\n"),
    );
  });

  test("--file - reads the log from stdin, one message a line", async () => {
    const h = await home();
    const stdin = "dial tcp: connection refused\r\n\nx509: certificate has expired\nnoise";
    const r = await cli(["diagnose", "--file", "-", "--json"], cleanEnv(h.dir), stdin);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 3,
      classified: 2,
      unclassified: 1,
      truncated: 0,
      codes: { MCPX_HTTP_CONN_REFUSED: 1, MCPX_HTTP_TLS_FAILED: 1 },
    });
  });

  test("--file applies the hints to every line", async () => {
    const h = await home();
    const log = join(h.dir, "proxy.log");
    await writeFile(log, 'exec: "uvx": executable file not found in $PATH\nexec format error\n');
    const r = await cli(["diagnose", "--file", log, "--docker-isolated", "--json"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).codes).toEqual({ MCPX_DOCKER_EXEC_NOT_FOUND: 1, MCPX_DOCKER_OCI_RUNTIME: 1 });
  });

  // Past several reads and garbage collections: the same lines over and over count exactly.
  test("--file on a log of many megabytes counts every line", async () => {
    const h = await home();
    const log = join(h.dir, "big.log");
    const lines = [
      "2026-11-23T10:00:00Z ERROR x509: certificate signed by unknown authority",
      "2026-11-23T10:00:01Z ERROR Error: spawn npx ENOENT",
      "2026-11-23T10:00:02Z INFO server github connected, 14 tools",
    ];
    await writeFile(log, `${lines.join("\r\n")}\n`.repeat(60_000));
    const r = await cli(["diagnose", "--file", log, "--json", "--transport", "stdio"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 180_000,
      classified: 120_000,
      unclassified: 60_000,
      truncated: 0,
      codes: { MCPX_HTTP_TLS_FAILED: 60_000, MCPX_STDIO_SPAWN_ENOENT: 60_000 },
    });
  });

  test("--file on an empty log: zero lines, exit 0", async () => {
    const h = await home();
    const log = join(h.dir, "empty.log");
    await writeFile(log, "\n\n");
    const r = await cli(["diagnose", "--file", log, "--json"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 0,
      classified: 0,
      unclassified: 0,
      truncated: 0,
      codes: {},
    });
  });

  test("--file classifies a single ~100 MB line on its start, without crashing", async () => {
    const h = await home();
    const r = await cli(["diagnose", "--file", longLine, "--json"], cleanEnv(h.dir));
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toEqual({
      lines: 1,
      classified: 1,
      unclassified: 0,
      truncated: 1,
      codes: { MCPX_HTTP_CONN_REFUSED: 1 },
    });
  });

  describe("--server", () => {
    test.each([
      ["py-tools", "zsh:1: command not found: docker", "MCPX_DOCKER_CLI_NOT_FOUND"],
      // Isolated: the program is missing inside the container; not isolated: on the host.
      ["py-tools", 'exec: "uvx": executable file not found in $PATH', "MCPX_DOCKER_EXEC_NOT_FOUND"],
      ["py-local", 'exec: "uvx": executable file not found in $PATH', "MCPX_STDIO_SPAWN_ENOENT"],
      // The server's transport applies: streamable-http reads `status NNN` in the text.
      ["remote", "POST /mcp: unexpected status 502", "MCPX_HTTP_5XX"],
    ])("%s: %s is %s", async (server, text, code) => {
      const h = await home();
      await serverConfig(h.config);
      expect(await classify([text, "--server", server], undefined, h.dir)).toBe(code);
    });

    test("explicit flags win over the server's config", async () => {
      const h = await home();
      await serverConfig(h.config);
      const text = 'exec: "uvx": executable file not found in $PATH';
      const env = cleanEnv(h.dir);
      const off = await cli(
        ["diagnose", text, "--server", "py-tools", "--no-docker-isolated", "--json"],
        env,
      );
      expect(JSON.parse(off.stdout).code).toBe("MCPX_STDIO_SPAWN_ENOENT");
      const http = await cli(
        ["diagnose", "status 404", "--server", "py-local", "--transport", "http", "--json"],
        env,
      );
      expect(JSON.parse(http.stdout).code).toBe("MCPX_HTTP_404");
    });

    test("an unknown server is exit 1, naming it and the config", async () => {
      const h = await home();
      await serverConfig(h.config);
      const r = await cli(["diagnose", "boom", "--server", "nope"], cleanEnv(h.dir));
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(
        `mcpproxy: no server named "nope" in ${h.config}\n  hint: its servers: py-tools, py-local, remote\n`,
      );
    });

    test("a broken config is exit 4, file untouched", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      await writeFile(h.config, `{"mcpServers": [}`);
      const r = await cli(["diagnose", "boom", "--server", "x"], cleanEnv(h.dir));
      expect([r.code, r.stdout]).toEqual([4, ""]);
      expect(r.stderr).toContain(`${h.config}:1:`);
      expect(await Bun.file(h.config).text()).toBe(`{"mcpServers": [}`);
    });
  });

  describe("--record", () => {
    const counts = async (env: Record<string, string>) => {
      const r = await cli(["telemetry", "show-payload"], env);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).diagnostics.error_code_counts_24h;
    };

    test("with telemetry on, each code lands in diagnostics.error_code_counts_24h", async () => {
      const h = await home();
      const env = cleanEnv(h.dir);
      const one = await cli(
        ["diagnose", "spawn npx ENOENT", "--transport", "stdio", "--record", "--json"],
        env,
      );
      expect([one.code, one.stderr]).toEqual([
        0,
        "mcpproxy: added MCPX_STDIO_SPAWN_ENOENT to the 24-hour diagnostics counts\n",
      ]);
      expect(JSON.parse(one.stdout).code).toBe("MCPX_STDIO_SPAWN_ENOENT");
      const log = join(h.dir, "proxy.log");
      await writeFile(log, MIXED_LOG);
      const many = await cli(["diagnose", "--file", log, "--record", "--json"], env);
      expect([many.code, many.stderr]).toEqual([
        0,
        "mcpproxy: added 5 codes to the 24-hour diagnostics counts\n",
      ]);
      // Unclassified log lines are not counted: most of a log is not an error at all.
      expect(await counts(env)).toEqual({ MCPX_STDIO_SPAWN_ENOENT: 1, ...MIXED_HISTOGRAM.codes });
    });

    test("an unclassified message is counted as MCPX_UNKNOWN_UNCLASSIFIED", async () => {
      const h = await home();
      const env = cleanEnv(h.dir);
      const r = await cli(["diagnose", "something odd happened", "--record"], env);
      expect(r.code).toBe(0);
      expect(await counts(env)).toEqual({ MCPX_UNKNOWN_UNCLASSIFIED: 1 });
    });

    test.each([
      [{ DO_NOT_TRACK: "1" }, "DO_NOT_TRACK is set"],
      [{ MCPPROXY_TELEMETRY: "false" }, "MCPPROXY_TELEMETRY is set to turn it off"],
    ])("with %j nothing is written, and stderr says so", async (extra, reason) => {
      const h = await home();
      const r = await cli(["diagnose", "spawn npx ENOENT", "--record", "--json"], cleanEnv(h.dir, extra));
      expect([r.code, r.stderr]).toEqual([0, `mcpproxy: nothing recorded: telemetry is off (${reason})\n`]);
      expect(Object.keys(JSON.parse(r.stdout))).toEqual(ENTRY_KEYS);
      expect(existsSync(h.data)).toBe(false);
    });

    test("telemetry disabled in the config: nothing written, stderr says so", async () => {
      const h = await home();
      await mkdir(h.data, { recursive: true });
      await writeFile(h.config, `{"telemetry": {"enabled": false}}`);
      const r = await cli(["diagnose", "spawn npx ENOENT", "--record"], cleanEnv(h.dir));
      expect([r.code, r.stderr]).toEqual([
        0,
        "mcpproxy: nothing recorded: telemetry is off (turned off in the config; `mcpproxy telemetry enable` turns it back on)\n",
      ]);
      expect(existsSync(join(h.data, "telemetry-counters.json"))).toBe(false);
    });
  });

  describe("bad input: one line, exit 1, no stack, nothing on stdout", () => {
    const bad = async (args: string[], stdin?: string | Uint8Array) => {
      const h = await home();
      const r = await cli(args, cleanEnv(h.dir), stdin);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(h.data)).toBe(false);
      return r.stderr;
    };

    test.each([
      [
        ["x", "--transport", "carrier-pigeon"],
        'unknown value "carrier-pigeon" for --transport',
        "stdio, http, sse, streamable-http, docker",
      ],
      [
        ["x", "--errno", "EFOO"],
        'unknown value "EFOO" for --errno',
        "ENOENT, EACCES, ENOEXEC, ECONNREFUSED, ENOTFOUND, ENETUNREACH, EHOSTUNREACH, ETIMEDOUT",
      ],
      [["x", "--exit-code", "abc"], '--exit-code must be an integer, got "abc"', "mcpproxy diagnose --help"],
      [["x", "--exit-code", "1.5"], '--exit-code must be an integer, got "1.5"', "mcpproxy diagnose --help"],
      [
        ["x", "--http-status", "42"],
        '--http-status must be an HTTP status from 100 to 599, got "42"',
        "mcpproxy diagnose --help",
      ],
      [
        ["x", "--http-status", "600"],
        '--http-status must be an HTTP status from 100 to 599, got "600"',
        "mcpproxy diagnose --help",
      ],
      [["   "], "nothing to classify", "--file LOG"],
      [["x", "--bogus"], 'unknown flag "--bogus" for "mcpproxy diagnose"', "mcpproxy diagnose --help"],
    ])("%j", async (args, message, hint) => {
      const lines = (await bad(["diagnose", ...args])).trimEnd().split("\n");
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(`mcpproxy: ${message}`);
      expect(lines[1]).toStartWith("  hint: ");
      expect(lines[1]).toContain(hint);
    });

    test.each([
      ["an empty stdin", [], ""],
      ["`-` with an empty stdin", ["-"], ""],
      ["`-` with only blank lines", ["-"], "\n  \r\n\n"],
    ])("%s: nothing to classify", async (_, args, stdin) => {
      expect(await bad(["diagnose", ...args], stdin)).toStartWith("mcpproxy: nothing to classify\n");
    });

    test("a missing log file", async () => {
      const h = await home();
      const path = join(h.dir, "missing.log");
      expect(await bad(["diagnose", "--file", path])).toStartWith(
        `mcpproxy: cannot read ${path}: no such file\n`,
      );
    });

    test("a folder given as --file", async () => {
      const h = await home();
      expect(await bad(["diagnose", "--file", h.dir])).toStartWith(
        `mcpproxy: ${h.dir} is a folder, not a log file\n`,
      );
    });

    test("text and --file together", async () => {
      const h = await home();
      const log = join(h.dir, "proxy.log");
      await writeFile(log, "connection refused\n");
      expect(await bad(["diagnose", "boom", "--file", log])).toStartWith(
        "mcpproxy: give either error text or --file LOG, not both\n",
      );
    });

    test.if(nobodyRunners[runner.name] != null)(
      "a log that cannot be read names the file (as nobody)",
      async () => {
        const h = await home();
        const log = join(h.dir, "secret.log");
        await writeFile(log, "connection refused\n");
        await chmod(log, 0o000);
        await chmod(h.dir, 0o755);
        const r = await run(nobodyRunners[runner.name] as Runner, ["diagnose", "--file", log], {
          env: cleanEnv(h.dir),
        });
        expect([r.code, r.stdout]).toEqual([1, ""]);
        expect(r.stderr).toStartWith(`mcpproxy: cannot read ${log}: permission denied\n`);
      },
    );

    // diagnostics.md: a file that is not text is refused with one line that says how to feed it.
    const TEXT = "Error: spawn npx ENOENT\nconnection refused\n";
    test.each([
      ["gzip", "proxy.log.gz", gzipped(TEXT), "is gzip-compressed", "decompress it first: zcat", "LOG.gz"],
      [
        "zip",
        "logs.zip",
        zipped("proxy.log", TEXT),
        "is a zip archive",
        "decompress it first: unzip -p",
        "LOG.zip",
      ],
      [
        "zstd",
        "proxy.log.zst",
        zstdCompressed(TEXT),
        "is zstd-compressed",
        "decompress it first: zstdcat",
        "LOG.zst",
      ],
      [
        "NUL-holding",
        "proxy.log",
        new TextEncoder().encode(`${TEXT}\0${TEXT}`),
        "holds binary data (a NUL byte)",
        "if it is UTF-16 text, convert it: iconv -f UTF-16 -t UTF-8",
        "LOG",
      ],
    ])(
      "a %s log, by path and on stdin, with --record: refused, nothing recorded",
      async (_, name, content, is, hint, example) => {
        const h = await home();
        const log = join(h.dir, name);
        await writeFile(log, content);
        const byPath = await bad(["diagnose", "--file", log, "--record"]);
        const onStdin = await bad(["diagnose", "--file", "-", "--record", "--json"], content);
        expect([byPath, onStdin]).toEqual([
          `mcpproxy: ${log} ${is}, not a text log\n  hint: ${hint} ${log} | mcpproxy diagnose --file -\n`,
          `mcpproxy: stdin ${is}, not a text log\n  hint: ${hint} ${example} | mcpproxy diagnose --file -\n`,
        ]);
      },
    );
  });
});
