// install.sh run for real under dash and bash against a loopback release server: each fault ends with one
// line, a non-zero exit, no partial binary, no temp file, and the old binary untouched.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { packTarball } from "../../scripts/release.ts";
import { IS_ROOT, tempDir } from "../support/cli.ts";
import { linuxRelease, VERSION } from "../support/release.ts";
import { type Fault, type ReleaseServer, serveReleases } from "../support/release-server.ts";

// A shell missing here is reported skipped by name. Absolute paths: the script's PATH holds only a case's tools.
const SHELLS = ["dash", "bash"];
const pathOf = (tool: string) => Bun.which(tool) ?? tool;
const BASICS = [
  "uname",
  "mkdir",
  "mktemp",
  "rm",
  "tr",
  "tar",
  "gzip",
  "sha256sum",
  "cp",
  "chmod",
  "mv",
  "cat",
];
const OLD = '#!/bin/sh\necho "mcpproxy v0.0.1 (old)"\n';
const STUB_TAG = "v0.0.9";

let root: string;
let script: string;
let real: string;
let stub: string;
const tools: Record<string, string> = {};

/** A folder of symlinks to the basics plus `extra`, and small scripts standing in for some tools. */
async function toolDir(name: string, extra: string[], fakes: Record<string, string> = {}): Promise<string> {
  const dir = join(root, "tools", name);
  await mkdir(dir, { recursive: true });
  for (const tool of [...BASICS, ...extra]) {
    if (fakes[tool] !== undefined) continue;
    const path = Bun.which(tool);
    if (!path) throw new Error(`${tool} is missing on this machine`);
    await symlink(path, join(dir, tool));
  }
  for (const [tool, body] of Object.entries(fakes)) {
    await writeFile(join(dir, tool), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

const fakeUname = (os: string, arch: string) =>
  `case "$1" in -s) echo ${os} ;; -m) echo ${arch} ;; *) echo ${os} ;; esac`;

beforeAll(async () => {
  root = await tempDir("mcpx-install-");
  // Readable by `nobody` for the unwritable-folder case.
  await chmod(root, 0o755);
  real = await linuxRelease();
  script = join(root, "install.sh");
  await copyFile(join(real, "install.sh"), script);
  await chmod(script, 0o644);

  // A second release, made with the release script's packer, whose "binary" says it is v0.0.9.
  stub = join(root, "stub");
  await mkdir(join(stub, "bin"), { recursive: true });
  await writeFile(join(stub, "bin/mcpproxy"), '#!/bin/sh\necho "mcpproxy v0.0.9 (stub)"\n', { mode: 0o755 });
  const archive = packTarball(join(stub, "bin"), "mcpproxy", 0);
  const name = `mcpproxy-${STUB_TAG.slice(1)}-linux-x64.tar.gz`;
  await writeFile(join(stub, name), archive);
  await writeFile(
    join(stub, "SHA256SUMS"),
    `${createHash("sha256").update(archive).digest("hex")}  ${name}\n`,
  );

  tools.curl = await toolDir("curl", ["curl"]);
  tools.wget = await toolDir("wget", ["wget"]);
  tools.none = await toolDir("none", []);
  tools.sunos = await toolDir("sunos", ["curl"], { uname: fakeUname("SunOS", "x86_64") });
  tools.riscv = await toolDir("riscv", ["curl"], { uname: fakeUname("Linux", "riscv64") });
  tools.musl = await toolDir("musl", ["curl"], { ldd: 'echo "musl libc (x86_64)"' });
  tools.rosetta = await toolDir("rosetta", ["curl"], {
    uname: fakeUname("Darwin", "x86_64"),
    sysctl: '[ "$2" = sysctl.proc_translated ] && echo 1',
  });
}, 120_000);
afterAll(() => rm(root, { recursive: true, force: true }));

interface Setup {
  shell: string;
  fault?: Fault;
  tools?: string;
  args?: string[];
  old?: boolean;
  /** Put the install folder on PATH (no hint expected). */
  onPath?: boolean;
  /** The install folder read-only (as root the script runs as another user instead, via `prefix`). */
  readOnly?: boolean;
  prefix?: string[];
}

interface Outcome {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  dir: string;
  tmp: string;
  server: ReleaseServer;
  /** The old binary's inode, when there was one. */
  oldIno?: number;
}

let cases = 0;
async function install(
  setup: Setup,
  during?: (proc: Bun.Subprocess, server: ReleaseServer) => Promise<void>,
) {
  const base = join(root, `case-${++cases}`);
  const dir = join(base, "bin");
  const tmp = join(base, "tmp");
  await mkdir(dir, { recursive: true });
  await mkdir(tmp, { recursive: true });
  await chmod(base, 0o755);
  await chmod(tmp, 0o777);
  if (setup.old) await writeFile(join(dir, "mcpproxy"), OLD, { mode: 0o755 });
  const oldIno = setup.old ? (await stat(join(dir, "mcpproxy"))).ino : undefined;
  if (setup.readOnly) await chmod(dir, 0o555);
  const server = serveReleases({ [`v${VERSION}`]: real, [STUB_TAG]: stub }, `v${VERSION}`, setup.fault);
  const path = setup.onPath
    ? `${dir}:${tools[setup.tools ?? "curl"]}`
    : (tools[setup.tools ?? "curl"] as string);
  const proc = Bun.spawn([...(setup.prefix ?? []), pathOf(setup.shell), script, ...(setup.args ?? [])], {
    env: {
      HOME: base,
      PATH: path,
      LANG: "C.UTF-8",
      TMPDIR: tmp,
      MCPPROXY_INSTALL_BASE_URL: server.base,
      MCPPROXY_INSTALL_DIR: dir,
    },
    cwd: base,
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group, so a test can send ^C to the script and its download together, as a terminal does.
    detached: true,
  });
  try {
    const [stdout, stderr] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      during?.(proc, server),
    ]);
    await proc.exited;
    return {
      code: proc.exitCode,
      signal: proc.signalCode,
      stdout,
      stderr,
      dir,
      tmp,
      server,
      oldIno,
    } as Outcome;
  } finally {
    server.stop();
    if (setup.readOnly) await chmod(dir, 0o755);
  }
}

/** Nothing but the old binary (or nothing) in the install folder, and nothing in TMPDIR. */
async function expectUntouched(r: Outcome, old: boolean) {
  expect(await readdir(r.tmp)).toEqual([]);
  expect(await readdir(r.dir)).toEqual(old ? ["mcpproxy"] : []);
  if (old) expect(await readFile(join(r.dir, "mcpproxy"), "utf8")).toBe(OLD);
}

const failedWith = (r: Outcome, line: string | RegExp) => {
  expect(r.code).toBe(1);
  expect(r.stderr.split("\n")).toEqual([
    typeof line === "string" ? `mcpproxy-install: ${line}` : expect.stringMatching(line),
    "",
  ]);
};

const runs = async (binary: string) => {
  const proc = Bun.spawn([binary, "version"], { env: { HOME: root, PATH: "/usr/bin:/bin" }, stdout: "pipe" });
  return (await new Response(proc.stdout).text()).trim();
};

for (const shell of SHELLS)
  describe.skipIf(!Bun.which(shell))(`install.sh under ${shell}`, () => {
    test("the latest release: checked, installed, its version printed, a PATH hint", async () => {
      const r = await install({ shell });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain(`installed mcpproxy v${VERSION} (bun `);
      expect(r.stdout).toContain(`${r.dir} is not on your PATH`);
      expect(await runs(join(r.dir, "mcpproxy"))).toMatch(new RegExp(`^mcpproxy v${VERSION} \\(bun `));
      expect(((await stat(join(r.dir, "mcpproxy"))).mode & 0o777).toString(8)).toBe("755");
      expect(await readdir(r.dir)).toEqual(["mcpproxy"]);
      expect(await readdir(r.tmp)).toEqual([]);
      expect(r.server.requests).toEqual([
        "/latest/download/VERSION",
        `/download/v${VERSION}/SHA256SUMS`,
        `/download/v${VERSION}/mcpproxy-${VERSION}-linux-x64.tar.gz`,
      ]);
    });

    test("with wget when there is no curl; no hint when the folder is on PATH", async () => {
      const r = await install({ shell, tools: "wget", onPath: true });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain(`installed mcpproxy v${VERSION}`);
      expect(r.stdout).not.toContain("not on your PATH");
      expect(await readdir(r.tmp)).toEqual([]);
    });

    test("--version pins a release (and the latest is not asked for)", async () => {
      const r = await install({ shell, args: ["--version", STUB_TAG] });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("installed mcpproxy v0.0.9 (stub)");
      expect(await runs(join(r.dir, "mcpproxy"))).toBe("mcpproxy v0.0.9 (stub)");
      expect(r.server.requests.some((path) => path.startsWith("/latest"))).toBe(false);
    });

    test("an upgrade replaces the old binary by rename (a new file), and the new version runs", async () => {
      const r = await install({ shell, old: true });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(await runs(join(r.dir, "mcpproxy"))).toMatch(new RegExp(`^mcpproxy v${VERSION} `));
      expect(await readdir(r.dir)).toEqual(["mcpproxy"]);
      expect(await readdir(r.tmp)).toEqual([]);
      // Written in place, the old inode would hold the new bytes; a rename gives the name a new inode.
      expect((await stat(join(r.dir, "mcpproxy"))).ino).not.toBe(r.oldIno as number);
    });

    test("the connection closes mid-download (curl)", async () => {
      const r = await install({ shell, fault: "cut", old: true });
      failedWith(
        r,
        /^mcpproxy-install: download of http:\/\/127\.0\.0\.1:\d+\/download\/v[^ ]+\.tar\.gz failed \(curl exit 18: /,
      );
      await expectUntouched(r, true);
    });

    test("the connection closes mid-download (wget)", async () => {
      const r = await install({ shell, fault: "cut", old: true, tools: "wget" });
      failedWith(r, /^mcpproxy-install: download of \S+\.tar\.gz failed \(wget exit 4: /);
      await expectUntouched(r, true);
    });

    test("a version the server does not have (404)", async () => {
      const r = await install({ shell, args: ["--version", "v9.9.9"], old: true });
      failedWith(
        r,
        /^mcpproxy-install: no release v9\.9\.9 at http:\/\/127\.0\.0\.1:\d+ \(.*SHA256SUMS answered with an error\)$/,
      );
      await expectUntouched(r, true);
    });

    test("an archive that does not match SHA256SUMS", async () => {
      const r = await install({ shell, fault: "tampered", old: true });
      failedWith(
        r,
        new RegExp(
          `^mcpproxy-install: checksum mismatch for mcpproxy-${VERSION}-linux-x64\\.tar\\.gz \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\); nothing was installed$`,
        ),
      );
      await expectUntouched(r, true);
    });

    test("SHA256SUMS without the archive's line: refused before downloading it", async () => {
      const r = await install({ shell, fault: "no-entry", old: true });
      failedWith(
        r,
        `SHA256SUMS of v${VERSION} has no entry for mcpproxy-${VERSION}-linux-x64.tar.gz; nothing was installed`,
      );
      expect(r.server.requests.some((path) => path.endsWith(".tar.gz"))).toBe(false);
      await expectUntouched(r, true);
    });

    test("neither curl nor wget", async () => {
      const r = await install({ shell, tools: "none", old: true });
      failedWith(r, "needs curl or wget to download; install one of them");
      await expectUntouched(r, true);
    });

    test.each([
      ["sunos", 'no build for the operating system "SunOS" (there are builds for Linux and macOS)'],
      ["riscv", 'no build for the CPU "riscv64" (there are builds for x86_64 and arm64)'],
      [
        "musl",
        "no build for musl libc (Alpine and similar): the Linux builds need glibc; run from source with Bun instead",
      ],
    ])("an unsupported platform (%s)", async (name, line) => {
      const r = await install({ shell, tools: name, old: true });
      failedWith(r, line);
      expect(r.server.requests).toEqual([]);
      await expectUntouched(r, true);
    });

    test("Rosetta: an x86_64 shell on Apple silicon asks for the darwin-arm64 build", async () => {
      const r = await install({ shell, tools: "rosetta", old: true });
      failedWith(
        r,
        `SHA256SUMS of v${VERSION} has no entry for mcpproxy-${VERSION}-darwin-arm64.tar.gz; nothing was installed`,
      );
      await expectUntouched(r, true);
    });

    test.each([
      [["--version"], "--version needs a value, e.g. --version v1.2.3"],
      [["--version", "v1.2.3;rm -rf ~"], '"v1.2.3;rm -rf ~" is not a release version (e.g. v1.2.3)'],
      [["--nope"], 'unknown argument "--nope" (see --help)'],
    ])("bad arguments %p", async (args, line) => {
      const r = await install({ shell, args, old: true });
      failedWith(r, line);
      expect(r.server.requests).toEqual([]);
      await expectUntouched(r, true);
    });

    test("--help: usage on stdout, exit 0, nothing downloaded", async () => {
      const r = await install({ shell, args: ["--help"], old: true });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("MCPPROXY_INSTALL_BASE_URL");
      expect(r.stdout).toContain("--version vX.Y.Z");
      expect(r.server.requests).toEqual([]);
      await expectUntouched(r, true);
    });

    test.each([
      ["SIGINT", "the terminal's process group (^C)", 130],
      ["SIGTERM", "the process group", 143],
      ["SIGTERM", "the script alone", 143],
      ["SIGINT", "the script alone", 130],
    ] as const)("%s to %s while the archive downloads from a stalled server", async (signal, whom, code) => {
      const r = await install({ shell, fault: "stall", old: true }, async (proc, server) => {
        await server.archiveStarted;
        process.kill(whom.includes("alone") ? proc.pid : -proc.pid, signal);
      });
      expect([r.code, r.stderr]).toEqual([code, "mcpproxy-install: interrupted; nothing was installed\n"]);
      await expectUntouched(r, true);
    });

    // As root, permissions only apply to another user: the script then runs as `nobody`.
    const asOther = IS_ROOT
      ? Bun.which("setpriv")
        ? [pathOf("setpriv"), "--reuid=65534", "--regid=65534", "--clear-groups"]
        : null
      : [];
    test.skipIf(asOther === null)("an install folder it cannot write to (as nobody when root)", async () => {
      const r = await install({ shell, old: true, readOnly: !IS_ROOT, prefix: asOther ?? [] });
      failedWith(
        r,
        /^mcpproxy-install: cannot write to \S+\/bin; set MCPPROXY_INSTALL_DIR to a folder you can write$/,
      );
      await expectUntouched(r, true);
    });
  });
