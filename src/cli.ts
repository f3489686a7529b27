#!/usr/bin/env bun
// Entry point: finds the command, runs it with its parsed flags, and catches once.
import type { ArgsDef } from "citty";
import { type AnyCommand, parseCommandArgs, type Resolved, resolveCommand, resolveValue } from "./args.ts";
import { commands } from "./commands/index.ts";
import { printable } from "./core/printable.ts";
import { CliError, ExitCode, usageError } from "./errors.ts";
import { globalArgs, outputFrom } from "./global-args.ts";
import { StdoutClosed, stripAnsi, writeStdout } from "./io/output.ts";
import { buildVersion, processEnv } from "./runtime.ts";

const root: AnyCommand = {
  meta: {
    name: "mcpproxy",
    version: buildVersion().replace(/^v/, ""),
    description: "MCPProxy telemetry and diagnostics",
  },
  args: globalArgs,
  subCommands: commands,
};

async function usageOf(resolved: Resolved): Promise<string> {
  const cmd = resolved.path[resolved.path.length - 1] as AnyCommand;
  const parent = resolved.path.length > 1 ? resolved.path[resolved.path.length - 2] : undefined;
  const { renderUsage } = await import("citty");
  return renderUsage(cmd, parent);
}

async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    const resolved = await resolveCommand(root, argv);
    if (resolved.version) {
      await writeStdout(`${buildVersion()}\n`);
      return ExitCode.ok;
    }
    const cmd = resolved.path[resolved.path.length - 1] as AnyCommand;
    if (resolved.help || (!cmd.run && argv.length === 0)) {
      const usage = await usageOf(resolved);
      const { color } = outputFrom({ "no-color": argv.includes("--no-color") }, processEnv());
      await writeStdout(`${color ? usage : stripAnsi(usage)}\n`);
      return ExitCode.ok;
    }
    if (!cmd.run) {
      console.error(stripAnsi(await usageOf(resolved)));
      throw usageError(`missing command for "${resolved.names.join(" ")}"`);
    }
    const defs = await resolveValue<ArgsDef>(cmd.args ?? {});
    const args = parseCommandArgs(cmd, defs, resolved.rawArgs, resolved.names);
    await cmd.run({ rawArgs: resolved.rawArgs, args: args as never, cmd });
    return ExitCode.ok;
  } catch (error) {
    return report(error, verbose);
  }
}

/** One line and a hint on stderr; a stack only with --verbose. Text from files and env is escaped. */
function report(error: unknown, verbose: boolean): number {
  if (error instanceof StdoutClosed) return ExitCode.ok;
  if (error instanceof CliError) {
    console.error(`mcpproxy: ${printable(error.message)}`);
    if (error.hint) console.error(`  hint: ${printable(error.hint)}`);
    if (verbose && error.stack) console.error(error.stack);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`mcpproxy: internal error: ${printable(message)}`);
  if (verbose && error instanceof Error && error.stack) console.error(error.stack);
  else console.error("  hint: run again with --verbose for details, and report it if it persists");
  return ExitCode.failure;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
