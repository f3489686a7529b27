// `npm run record-order`: records which bytecode the common commands run (scripts/bytecode-order/files.ts), in a
// steady-state home, for `bun build --bytecode-order` (scripts/build.ts). Profiles hold function hashes, not code;
// they keep working as the code changes (what changed goes after them): record again after large changes.
import { rm } from "node:fs/promises";
import { steadyHome } from "./bench/home.ts";
import { sh } from "./bench/shell.ts";
import { ORDER_FILES, RECORDED } from "./bytecode-order/files.ts";

// Built without the old profiles, so a function they miss is not mistaken for one the commands do not run.
await Promise.all(ORDER_FILES.map((file) => rm(file, { force: true })));
sh([process.execPath, "scripts/build.ts"]);
// Nothing listens there: the recorded commands only read.
const { home, env } = await steadyHome("http://127.0.0.1:9/v1");
sh(["dist/mcpproxy", "telemetry", "show-payload"], env);
for (const [i, { argv }] of RECORDED.entries()) {
  sh(["dist/mcpproxy", ...argv], { ...env, BUN_BYTECODE_ORDER_OUT: ORDER_FILES[i] as string });
}
await rm(home, { recursive: true, force: true });
sh([process.execPath, "scripts/build.ts"]);
console.log(`recorded ${RECORDED.map((r) => r.name).join(", ")}; dist/mcpproxy rebuilt with them`);
