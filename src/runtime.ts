// The only module that knows whether Bun or Deno runs us.

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;
declare const MCPPROXY_VERSION: string | undefined;

export function runtimeVersion(): string {
  if (typeof Bun !== "undefined") return `bun ${Bun.version}`;
  if (typeof Deno !== "undefined") return `deno ${Deno.version.deno}`;
  return `node ${process.versions.node}`;
}

/** `v<semver>` injected by scripts/build.ts; source runs report `dev`. */
export function buildVersion(): string {
  return typeof MCPPROXY_VERSION === "string" ? MCPPROXY_VERSION : "dev";
}

const goOs: Record<string, string> = { win32: "windows", sunos: "solaris" };
const goArch: Record<string, string> = { x64: "amd64", ia32: "386" };

/** Go-style GOOS/GOARCH names, as the Go edition reports them. */
export function platformNames(
  platform = process.platform,
  arch = process.arch,
): { os: string; arch: string } {
  return { os: goOs[platform] ?? platform, arch: goArch[arch] ?? arch };
}
