// Runs install.sh for real against a release server, with a PATH holding only the tools a case allows, a
// TMPDIR and install folder of its own; and the checks every failure shares.
import { expect } from "bun:test";
import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { packTarball } from "../../scripts/release.ts";
import { tempDir } from "./cli.ts";
import { linuxRelease, VERSION } from "./release.ts";
import { type Fault, type ReleaseServer, serveReleases } from "./release-server.ts";

// Absolute paths: the script's PATH holds only a case's tools.
export const pathOf = (tool: string) => Bun.which(tool) ?? tool;
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
export const OLD = '#!/bin/sh\necho "mcpproxy v0.0.1 (old)"\n';
export const STUB_TAG = "v0.0.9";

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

/** The shared folder: install.sh from the release, a stub v0.0.9 release, and the tool folders. */
export async function prepareInstall(): Promise<void> {
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
}

export const removeInstallFolder = () => rm(root, { recursive: true, force: true });

export interface Setup {
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
  /** The script on stdin (`curl … | sh -s -- ARGS`) rather than as a file. */
  piped?: boolean;
}

export interface Outcome {
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
export async function install(
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
  const source = setup.piped ? ["-s", "--"] : [script];
  const proc = Bun.spawn([...(setup.prefix ?? []), pathOf(setup.shell), ...source, ...(setup.args ?? [])], {
    stdin: setup.piped ? Bun.file(script) : "ignore",
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
export async function expectUntouched(r: Outcome, old: boolean) {
  expect(await readdir(r.tmp)).toEqual([]);
  expect(await readdir(r.dir)).toEqual(old ? ["mcpproxy"] : []);
  if (old) expect(await readFile(join(r.dir, "mcpproxy"), "utf8")).toBe(OLD);
}

export const failedWith = (r: Outcome, line: string | RegExp) => {
  expect(r.code).toBe(1);
  expect(r.stderr.split("\n")).toEqual([
    typeof line === "string" ? `mcpproxy-install: ${line}` : expect.stringMatching(line),
    "",
  ]);
};

export const runs = async (binary: string) => {
  const proc = Bun.spawn([binary, "version"], { env: { HOME: root, PATH: "/usr/bin:/bin" }, stdout: "pipe" });
  return (await new Response(proc.stdout).text()).trim();
};
