// `mcpproxy completion <shell>`: prints the script that makes the shell ask `mcpproxy complete` on TAB.
import { defineCommand } from "../args.ts";
import { usageError } from "../errors.ts";
import { globalArgs } from "../global-args.ts";
import { writeStdout } from "../io/output.ts";

export const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;
type Shell = (typeof SHELLS)[number];

/** tab's generators print with console.log; the text is taken here so stdout errors are ours to report. */
async function scriptFor(shell: Shell): Promise<string> {
  const { script } = await import("@bomb.sh/tab");
  const lines: string[] = [];
  const log = console.log;
  console.log = (text: unknown) => lines.push(String(text));
  try {
    // The scripts run `mcpproxy complete -- …` from PATH, so they keep working across upgrades.
    script(shell, "mcpproxy", "mcpproxy");
  } finally {
    console.log = log;
  }
  return `${lines.join("\n")}\n`;
}

export default defineCommand({
  meta: {
    name: "completion",
    description: "Print the shell completion script for bash, zsh, fish or powershell",
  },
  args: {
    ...globalArgs,
    shell: {
      type: "positional",
      required: true,
      options: [...SHELLS],
      description: `The shell: ${SHELLS.join(", ")}`,
    },
  },
  async run({ args }) {
    const given = (args._ as unknown[]).map(String);
    const hint = "e.g. `mcpproxy completion bash`; see the README for where to put it";
    if (given.length === 0) throw usageError(`give a shell: ${SHELLS.join(", ")}`, hint);
    if (given.length > 1) throw usageError("give one shell", hint);
    const shell = SHELLS.find((s) => s === (given[0] as string).trim().toLowerCase());
    if (!shell) throw usageError(`unknown shell "${given[0]}"; use one of: ${SHELLS.join(", ")}`, hint);
    await writeStdout(await scriptFor(shell));
  },
});
