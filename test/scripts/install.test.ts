// install.sh run for real under dash and bash against a loopback release server: each fault ends with one
// line, a non-zero exit, no partial binary, no temp file, and the old binary untouched.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { IS_ROOT } from "../support/cli.ts";
import {
  expectUntouched,
  failedWith,
  install,
  pathOf,
  prepareInstall,
  removeInstallFolder,
  runs,
  STUB_TAG,
} from "../support/install-harness.ts";
import { VERSION } from "../support/release.ts";

// A shell missing here is reported skipped by name.
const SHELLS = ["dash", "bash"];

beforeAll(prepareInstall, 180_000);
afterAll(removeInstallFolder);

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

    test("piped into the shell, as `curl … | sh -s -- --version v0.0.9` runs it", async () => {
      const r = await install({ shell, piped: true, args: ["--version", STUB_TAG], old: true });
      expect([r.code, r.stderr]).toEqual([0, ""]);
      expect(r.stdout).toContain("installed mcpproxy v0.0.9 (stub)");
      expect(await runs(join(r.dir, "mcpproxy"))).toBe("mcpproxy v0.0.9 (stub)");
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
