// `mcpproxy version`: the build's version, runtime and platform.
import { defineCommand } from "citty";
import { loadContext } from "../context.ts";
import { globalArgs } from "../global-args.ts";
import { printResult } from "../io/output.ts";
import { runtimeVersion } from "../runtime.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the version, runtime and os/arch" },
  args: globalArgs,
  async run({ args }) {
    const ctx = await loadContext(args);
    const view = { version: ctx.version, runtime: runtimeVersion(), os: ctx.os, arch: ctx.arch };
    await printResult(
      ctx.out,
      view,
      () => `mcpproxy ${view.version} (${view.runtime}, ${view.os}/${view.arch})`,
    );
  },
});
