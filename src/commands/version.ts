// `mcpproxy version`: the build's version, runtime and platform. It reads no file, not even the policy.
import { defineCommand } from "../args.ts";
import { globalArgs, outputFrom } from "../global-args.ts";
import { printResult } from "../io/output.ts";
import { buildVersion, platformNames, runtimeVersion } from "../runtime.ts";

export default defineCommand({
  meta: { name: "version", description: "Print the version, runtime and os/arch" },
  args: globalArgs,
  async run({ args }) {
    const { os, arch } = platformNames();
    const view = { version: buildVersion(), runtime: runtimeVersion(), os, arch };
    await printResult(
      outputFrom(args),
      view,
      () => `mcpproxy ${view.version} (${view.runtime}, ${os}/${arch})`,
    );
  },
});
