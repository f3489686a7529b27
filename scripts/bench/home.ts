// A steady-state install for the benchmarks and the bytecode-order recording: a real config with servers,
// telemetry on (posting to `endpoint`), the first-run notice shown, and a `docker` on PATH whose engine does not
// answer (the CLI is found, the engine ping finds no socket).
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./shell.ts";

export async function steadyHome(endpoint: string): Promise<{ home: string; env: Record<string, string> }> {
  const home = await mkdtemp(join(tmpdir(), "mcpproxy-bench-"));
  await mkdir(join(home, ".mcpproxy"), { recursive: true });
  const bin = join(home, "bin");
  await mkdir(bin);
  await writeFile(
    join(bin, "docker"),
    "#!/bin/sh\necho 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock.' >&2\nexit 1\n",
  );
  await chmod(join(bin, "docker"), 0o755);
  const config = JSON.parse(await readFile(join(ROOT, "test/fixtures/configs/e2e-config.json"), "utf8"));
  config.telemetry = { ...config.telemetry, enabled: true, endpoint, notice_shown: true };
  await writeFile(join(home, ".mcpproxy/mcp_config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return { home, env: { HOME: home, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` } };
}
