// Reads argv against the commands' citty definitions: which command it names and which flags it gives, refusing
// what it does not know. citty's own parser is not used: it loads node:util (+7 MiB at start-up) and ignores
// unknown flags.
import type { ArgsDef, CommandDef } from "citty";
import { usageError } from "./errors.ts";
import { globalArgs } from "./global-args.ts";

export type AnyCommand = CommandDef<ArgsDef>;

/** citty's `defineCommand` (it only returns its argument): importing citty itself would load it at start-up. */
export const defineCommand = <T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> => def;

export interface Resolved {
  path: AnyCommand[];
  names: string[];
  rawArgs: string[];
  help: boolean;
  version: boolean;
}

export type ParsedArgs = Record<string, unknown> & { _: string[] };

interface Flag {
  name: string;
  kind: "boolean" | "value";
  negated: boolean;
  options?: readonly string[];
}

export const resolveValue = async <T>(v: unknown): Promise<T> => (typeof v === "function" ? v() : v) as T;

const aliasesOf = (def: object): string[] => {
  const alias = (def as { alias?: string | string[] }).alias;
  return alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
};

/** Every spelling of every flag (`json`, `o`, `no-json` …) → the flag it sets. */
function flagTable(defs: ArgsDef): Map<string, Flag> {
  const table = new Map<string, Flag>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    const kind = def.type === "boolean" ? "boolean" : "value";
    const options = def.type === "enum" ? (def.options as readonly string[]) : undefined;
    for (const spelling of [name, ...aliasesOf(def)])
      table.set(spelling, { name, kind, negated: false, options });
    if (kind === "boolean" && !name.startsWith("no-")) table.set(`no-${name}`, { name, kind, negated: true });
  }
  return table;
}

const globalFlags = flagTable(globalArgs);
const isFlag = (arg: string) => arg.startsWith("-") && arg !== "-";
const flagWord = (arg: string) => arg.replace(/^--?/, "").split("=")[0] as string;

/** The subcommands a hint may list: hidden ones (`complete`) stay out. Loads them, so only on the error path. */
async function visibleNames(subCommands: Record<string, unknown>): Promise<string[]> {
  const entries = await Promise.all(
    Object.entries(subCommands).map(async ([name, lazy]) => {
      const meta = await resolveValue<{ hidden?: boolean } | undefined>(
        (await resolveValue<AnyCommand>(lazy)).meta,
      );
      return meta?.hidden ? [] : [name];
    }),
  );
  return entries.flat();
}

/** Walks argv to the command it names; global flags may stand anywhere and are passed on to that command. */
export async function resolveCommand(root: AnyCommand, argv: string[]): Promise<Resolved> {
  const path = [root];
  const names = [String((root.meta as { name?: string } | undefined)?.name ?? "mcpproxy")];
  const rawArgs: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      rawArgs.push(...argv.slice(i));
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--version" || arg === "-v") {
      version = true;
      continue;
    }
    if (isFlag(arg)) {
      rawArgs.push(arg);
      // A command that runs and has subcommands (`collector --db F`, `collector report`): its own value flags too.
      const current = path[path.length - 1] as AnyCommand;
      const own =
        current.run && current.subCommands
          ? flagTable(await resolveValue<ArgsDef>(current.args ?? {}))
          : null;
      const flag = (own ?? globalFlags).get(flagWord(arg));
      const takesValue = flag?.kind === "value" && !arg.includes("=");
      if (takesValue && i + 1 < argv.length) rawArgs.push(argv[++i] as string);
      continue;
    }
    const cmd = path[path.length - 1] as AnyCommand;
    const subCommands = await resolveValue<Record<string, unknown> | undefined>(cmd.subCommands);
    if (subCommands && Object.hasOwn(subCommands, arg)) {
      path.push(await resolveValue<AnyCommand>(subCommands[arg]));
      names.push(arg);
      continue;
    }
    if (subCommands) {
      const known = (await visibleNames(subCommands)).join(", ");
      throw usageError(`unknown command "${arg}" for "${names.join(" ")}"`, `available: ${known}`);
    }
    rawArgs.push(arg);
  }
  return { path, names, rawArgs, help, version };
}

function enumValue(flag: Flag, arg: string, value: string, hint: string): string {
  if (!flag.options) return value;
  const wanted = value.trim().toLowerCase();
  const match = flag.options.find((option) => option.toLowerCase() === wanted);
  if (match === undefined) {
    throw usageError(
      `unknown value "${value}" for ${arg}`,
      `use one of: ${flag.options.join(", ")}; ${hint}`,
    );
  }
  return match;
}

function booleanValue(arg: string, inline: string | undefined, hint: string): boolean {
  if (inline === undefined || inline === "true") return true;
  if (inline === "false") return false;
  throw usageError(`${arg.split("=")[0]} takes no value, got "${inline}"`, hint);
}

/** An unknown "flag" with spaces or colons is error text the user meant as an argument. */
function unknownFlag(arg: string, names: string[], defs: ArgsDef, hint: string) {
  const command = names.join(" ");
  const positional = Object.entries(defs).find(([, d]) => d.type === "positional");
  if (positional && !/^--?[A-Za-z][\w-]*(=.*)?$/s.test(arg)) {
    const stdin = positional[0] === "text" ? `, or pipe it in: … | ${command} -` : "";
    return usageError(
      `unknown flag "${arg.split(/\s/)[0]}": text that starts with "-" is read as a flag`,
      `put the text after --: ${command} -- ${JSON.stringify(arg)}${stdin}`,
    );
  }
  return usageError(`unknown flag "${arg.split("=")[0]}" for "${command}"`, hint);
}

/**
 * A command's flags and positionals, with citty's defaults. Unknown flags, stray arguments, enum values not
 * listed and values given to boolean flags are refused.
 */
export function parseCommandArgs(cmd: AnyCommand, defs: ArgsDef, rawArgs: string[], names: string[]) {
  const flags = flagTable(defs);
  const hint = `run \`${names.join(" ")} --help\` for usage`;
  const args: ParsedArgs = { _: [] };
  for (const [name, def] of Object.entries(defs)) if (def.default !== undefined) args[name] = def.default;
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") {
      args._.push(...rawArgs.slice(i + 1));
      break;
    }
    if (!isFlag(arg)) {
      args._.push(arg);
      continue;
    }
    const [word, inline] = arg.replace(/^--?/, "").split(/=(.*)/s) as [string, string | undefined];
    const flag = flags.get(word);
    if (!flag) throw unknownFlag(arg, names, defs, hint);
    if (flag.kind === "boolean") {
      const value = booleanValue(arg, inline, hint);
      args[flag.name] = flag.negated ? !value : value;
      continue;
    }
    const value = inline ?? rawArgs[++i];
    if (value === undefined) throw usageError(`flag "${arg}" needs a value`, hint);
    args[flag.name] = enumValue(flag, arg.split("=")[0] as string, value, hint);
  }
  const positionals = Object.entries(defs).filter(([, d]) => d.type === "positional");
  if (positionals.length === 0 && args._.length > 0 && cmd.run) {
    throw usageError(`unexpected argument "${args._[0]}" for "${names.join(" ")}"`, hint);
  }
  positionals.forEach(([name], index) => {
    if (args._[index] !== undefined) args[name] = args._[index];
  });
  // Commands may read `args["data-dir"]` or `args.dataDir`, as with citty.
  for (const key of Object.keys(args)) {
    const camel = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== key) args[camel] = args[key];
  }
  return args;
}
