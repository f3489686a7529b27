// Compiles dist/mcpproxy: one minified bytecode executable with the version from package.json.
// Usage: bun scripts/build.ts [--target=bun-linux-x64] [--outfile=dist/mcpproxy]
import pkg from "../package.json" with { type: "json" };
import { buildFlags } from "./build-flags.ts";

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const outfile = option("outfile") ?? "dist/mcpproxy";
const target = option("target");

const args = [
  "build",
  "src/cli.ts",
  ...buildFlags,
  `--define=MCPPROXY_VERSION=${JSON.stringify(`v${pkg.version}`)}`,
  `--outfile=${outfile}`,
  ...(target ? [`--target=${target}`] : []),
];
const result = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
process.exit(result.exitCode ?? 1);
