// Adds lock entries for optional platform packages the registry mirror here does not serve.
// npm then records them as absent and `npm ci` refuses the lock ("Missing: … from lock file");
// with an entry carrying os/cpu, npm ci skips them on other platforms without fetching them.
// Run after any `npm install`: bun scripts/lock-platforms.ts
const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(await Bun.file(path).text());
const packages: Record<string, Record<string, unknown>> = lock.packages;

const osOf = (name: string) =>
  ["android", "darwin", "linux", "win32", "freebsd"].find((os) => name.includes(os));
const cpuOf = (name: string) => (/(arm64|aarch64)/.test(name) ? "arm64" : "x64");
const libcOf = (name: string) =>
  name.includes("musl") ? "musl" : name.includes("linux") ? "glibc" : undefined;

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies as Record<string, string> | undefined;
  for (const [name, version] of Object.entries(optional ?? {})) {
    const at = `node_modules/${name}`;
    const os = osOf(name);
    if (packages[at] || !os || !key.startsWith("node_modules/")) continue;
    const libc = libcOf(name);
    packages[at] = {
      version,
      cpu: [cpuOf(name)],
      dev: entry.dev ?? undefined,
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
await Bun.write(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
