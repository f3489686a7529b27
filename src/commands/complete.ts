// `mcpproxy complete -- <words…>` (hidden): what TAB offers, asked by the scripts `completion` prints.
// It reads the definitions and at most the config: no payload, no probe, no write.

import type { AnyCommand } from "../args.ts";
import { defineCommand } from "../args.ts";
import { completeWords, formatCompletion, type ValueSource } from "../completer.ts";
import { globalArgs } from "../global-args.ts";
import { writeStdout } from "../io/output.ts";
import { commands } from "./index.ts";

// A name a shell would split, glob or print as a control sequence is left out rather than offered broken.
const SHELL_SAFE = /^[\w.@+/-]{1,100}$/;

/** The config's server names for `--server`; a config that cannot be read offers none, silently. */
const serverNames: ValueSource = async (argName, given) => {
  if (argName !== "server") return undefined;
  try {
    const [{ loadContext }, { loadConfig }] = await Promise.all([
      import("../context.ts"),
      import("../io/config-store.ts"),
    ]);
    const ctx = await loadContext({ config: given.config, "data-dir": given["data-dir"] });
    const loaded = await loadConfig(ctx.configPath);
    const names = (loaded.config.mcpServers ?? []).map((server) => server?.name);
    return names.filter((name): name is string => typeof name === "string" && SHELL_SAFE.test(name));
  } catch {
    return [];
  }
};

export default defineCommand({
  meta: {
    name: "complete",
    description: "Answer a shell's completion request (used by the `completion` scripts)",
    hidden: true,
  },
  args: {
    ...globalArgs,
    words: { type: "positional", required: false, description: "The words typed so far, after --" },
  },
  async run({ args }) {
    const root: AnyCommand = { args: globalArgs, subCommands: commands };
    const words = (args._ as unknown[]).map(String);
    await writeStdout(formatCompletion(await completeWords(root, words, serverNames)));
  },
});
