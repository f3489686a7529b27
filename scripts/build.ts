// Compiles dist/mcpproxy: one minified bytecode executable with the version from package.json.
// Usage: bun scripts/build.ts [--target=bun-linux-x64] [--outfile=dist/mcpproxy] [--version=1.2.3]
//        [--executable=PATH] (the Bun executable of --target, so a cross build downloads nothing)
import { existsSync } from "node:fs";
import pkg from "../package.json" with { type: "json" };
import { buildFlags } from "./build-flags.ts";
import { ORDER_FILES } from "./bytecode-order/files.ts";

const option = (name: string) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3);
};
const outfile = option("outfile") ?? "dist/mcpproxy";
const target = option("target");
const version = option("version") ?? pkg.version;
const executable = option("executable");

// Profile-guided layout: the bytecode the common commands run sits together at the front of the binary, so a
// start-up reads and decodes less of it. Recorded by `npm run record-order`; a missing profile only costs speed.
const orders = ORDER_FILES.filter((file) => existsSync(file));
const args = [
  "build",
  "src/cli.ts",
  ...buildFlags,
  ...(orders.length > 0 ? [`--bytecode-order=${orders.join(",")}`] : []),
  `--define=MCPPROXY_VERSION=${JSON.stringify(`v${version}`)}`,
  `--outfile=${outfile}`,
  ...(target ? [`--target=${target}`] : []),
  ...(executable ? [`--compile-executable-path=${executable}`] : []),
];
const result = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
process.exit(result.exitCode ?? 1);
