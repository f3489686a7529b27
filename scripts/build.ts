// Compiles dist/mcpproxy: one minified bytecode executable with the version from package.json.
// Usage: bun scripts/build.ts [--target=bun-linux-x64] [--outfile=dist/mcpproxy]
import pkg from "../package.json" with { type: "json" };

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const outfile = option("outfile") ?? "dist/mcpproxy";
const target = option("target");

const args = [
  "build",
  "src/cli.ts",
  "--compile",
  "--minify",
  "--bytecode",
  // Stack traces (with --verbose) name src/ files and lines instead of the minified bundle.
  "--sourcemap=linked",
  // A .env or bunfig.toml in the user's working folder must never change what the binary does.
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  `--define=MCPPROXY_VERSION=${JSON.stringify(`v${pkg.version}`)}`,
  `--outfile=${outfile}`,
  ...(target ? [`--target=${target}`] : []),
];
const result = Bun.spawnSync([process.execPath, ...args], { stdout: "inherit", stderr: "inherit" });
process.exit(result.exitCode ?? 1);
