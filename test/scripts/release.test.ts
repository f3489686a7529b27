// scripts/release.ts for real: linux-x64 (this machine's target) and windows-x64 built and checked; bad
// versions, unknown targets and a runtime that cannot be fetched refused by name with nothing released.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { zipOne } from "../../scripts/release/zip.ts";
import { isSemver } from "../../scripts/release.ts";
import { ROOT, tempDir } from "../support/cli.ts";
import { linuxRelease, runRelease, VERSION } from "../support/release.ts";

let scratch: string;
beforeAll(async () => {
  scratch = await tempDir("mcpx-release-test-");
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function sh(cmd: string[], cwd: string) {
  const proc = Bun.spawn(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

describe("the linux-x64 release", () => {
  let folder: string;
  const archive = `mcpproxy-${VERSION}-linux-x64.tar.gz`;
  beforeAll(async () => {
    folder = await linuxRelease();
  }, 180_000);

  test("holds the archive, SHA256SUMS, install.sh and VERSION, nothing else", async () => {
    expect((await readdir(folder)).sort()).toEqual(["SHA256SUMS", "VERSION", "install.sh", archive]);
    expect(await readFile(join(folder, "VERSION"), "utf8")).toBe(`v${VERSION}\n`);
    expect(await readFile(join(folder, "install.sh"), "utf8")).toBe(
      await readFile(join(ROOT, "scripts/install.sh"), "utf8"),
    );
  });

  test("SHA256SUMS verifies with sha256sum -c, one line a file", async () => {
    const r = await sh(["sha256sum", "-c", "SHA256SUMS"], folder);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(`install.sh: OK\n${archive}: OK\n`);
    expect(await readFile(join(folder, "SHA256SUMS"), "utf8")).toMatch(/^([0-9a-f]{64} {2}\S+\n){2}$/);
  });

  test("the tarball holds one executable, mcpproxy, owned by 0:0, that prints the release's version", async () => {
    const list = await sh(["tar", "-tvzf", join(folder, archive)], folder);
    expect(list.code).toBe(0);
    expect(list.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^-rwxr-xr-x 0\/0 +\d+ \S+ \S+ mcpproxy$/),
    ]);
    const into = join(scratch, "linux");
    await mkdir(into);
    expect((await sh(["tar", "-xzf", join(folder, archive), "-C", into], folder)).code).toBe(0);
    const r = await sh([join(into, "mcpproxy"), "version"], into);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe(`mcpproxy v${VERSION} (bun ${Bun.version}, linux/amd64)\n`);
  });
});

describe("refusals: one line naming the fault, exit 1, nothing released", () => {
  test.each(["1.2", "v1.2.3", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3 dirty", "latest", ""])(
    "version %p is not semver",
    async (version) => {
      const r = await runRelease([`--version=${version}`, "--targets=linux-x64"]);
      expect([r.code, r.stdout]).toEqual([1, ""]);
      expect(r.stderr).toBe(
        `release: "${version}" is not a semver version (1.2.3, 1.2.3-rc.1; no leading v)\n`,
      );
      expect(await readdir(r.out)).toEqual([]);
    },
  );

  test.each([
    ["1.2.3", true],
    ["0.1.0-rc.1+build.5", true],
    ["10.20.30-alpha.beta", true],
    ["1.2.3-01", false],
    ["1.2", false],
  ])("isSemver(%p) is %p", (version, ok) => {
    expect(isSemver(version)).toBe(ok);
  });

  test("an unknown target is named", async () => {
    const r = await runRelease(["--targets=linux-x64,linux-mips"]);
    expect([r.code, r.stdout]).toEqual([1, ""]);
    expect(r.stderr).toBe(
      "release: unknown target linux-mips; known: linux-x64, linux-arm64, darwin-x64, darwin-arm64, windows-x64\n",
    );
    expect(await readdir(r.out)).toEqual([]);
  });

  test("a target whose Bun runtime cannot be fetched is named, and no release folder appears", async () => {
    const empty = join(scratch, "no-runtimes");
    const npmCache = join(scratch, "npm-cache");
    // npm offline with an empty cache: the registry package cannot be had, as on a machine with no network.
    const r = await runRelease(["--targets=linux-x64,darwin-arm64", `--runtimes=${empty}`], {
      env: { npm_config_offline: "true", npm_config_cache: npmCache },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("built linux-x64: mcpproxy-0.1.0-linux-x64.tar.gz\n".replace("0.1.0", VERSION));
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(/^release: darwin-arm64 not built: npm pack failed: /),
      "release: 1 target(s) not built: darwin-arm64; nothing was released",
    ]);
    expect(await readdir(r.out)).toEqual([]);
  }, 120_000);
});

describe("windows-x64", () => {
  // The runtime comes from the npm registry once (@oven/bun-windows-x64, checked against the lock), then is kept.
  test("a zip holding only mcpproxy.exe, a PE executable, that unzip checks", async () => {
    const r = await runRelease(["--targets=windows-x64"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const folder = join(r.out, VERSION);
    const zip = `mcpproxy-${VERSION}-windows-x64.zip`;
    expect((await readdir(folder)).sort()).toEqual(["SHA256SUMS", "VERSION", "install.sh", zip]);
    expect((await sh(["sha256sum", "-c", "SHA256SUMS"], folder)).stdout).toBe(`install.sh: OK\n${zip}: OK\n`);
    const list = await sh(["unzip", "-Z1", zip], folder);
    expect([list.code, list.stdout]).toEqual([0, "mcpproxy.exe\n"]);
    const check = await sh(["unzip", "-tq", zip], folder);
    expect([check.code, check.stdout]).toEqual([0, `No errors detected in compressed data of ${zip}.\n`]);
    const head = Bun.spawn(["unzip", "-p", zip, "mcpproxy.exe"], { cwd: folder, stdout: "pipe" });
    const bytes = await new Response(head.stdout).bytes();
    expect(new TextDecoder().decode(bytes.subarray(0, 2))).toBe("MZ");
    expect(bytes.length).toBeGreaterThan(50_000_000);
  }, 180_000);
});

describe("the zip writer", () => {
  test("a small payload: unzip reads it back with its mode, and the bytes do not depend on the time", async () => {
    const payload = new TextEncoder().encode("hello from mcpproxy\n".repeat(1000));
    const zip = zipOne("hello.txt", payload, 0o755);
    expect(zipOne("hello.txt", payload, 0o755)).toEqual(zip);
    await Bun.write(join(scratch, "hello.zip"), zip);
    const back = await sh(["unzip", "-p", "hello.zip", "hello.txt"], scratch);
    expect(back.stdout).toBe("hello from mcpproxy\n".repeat(1000));
    const info = await sh(["unzip", "-Z", "hello.zip"], scratch);
    expect(info.stdout).toMatch(/^-rwxr-xr-x .* defN .* hello\.txt$/m);
    expect(zip.length).toBeLessThan(payload.length / 10);
  });
});
