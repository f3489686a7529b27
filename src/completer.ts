// What TAB offers after the words typed so far, read from the command definitions as args.ts reads argv.
// Only the commands on the typed path (and, for a list, their children) are loaded: the map stays lazy.
import type { ArgDef, ArgsDef } from "citty";
import { type AnyCommand, resolveValue } from "./args.ts";
import { globalArgs } from "./global-args.ts";

export interface Offer {
  value: string;
  description: string;
}

// tab's protocol (cobra's): bit flags on the last line of the answer, read by the shell scripts.
export const Directive = { default: 0, noFiles: 4, dirs: 16 } as const;

export interface Completion {
  offers: Offer[];
  directive: number;
}

/** Values only this machine knows (a config's server names), by argument name; undefined: none from here. */
export type ValueSource = (
  argName: string,
  given: Readonly<Record<string, string>>,
) => Promise<readonly string[] | undefined>;

type Def = ArgDef & { options?: readonly string[] };
type Flags = Array<[string, Def]>;

const isFlag = (word: string) => word.startsWith("-") && word !== "-";
const aliasesOf = (def: Def): string[] => {
  const alias = (def as { alias?: string | string[] }).alias;
  return alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
};

async function flagsOf(cmd: AnyCommand): Promise<Flags> {
  // Groups declare no flags yet take the global ones, which the parser hoists from anywhere.
  const defs = { ...globalArgs, ...(await resolveValue<ArgsDef>(cmd.args ?? {})) } as Record<string, Def>;
  return Object.entries(defs).filter(([, def]) => def.type !== "positional");
}

async function positionalsOf(cmd: AnyCommand): Promise<Flags> {
  const defs = await resolveValue<Record<string, Def>>(cmd.args ?? {});
  return Object.entries(defs).filter(([, def]) => def.type === "positional");
}

const findFlag = (flags: Flags, word: string) =>
  flags.find(([name, def]) => word === `--${name}` || aliasesOf(def).some((a) => word === `-${a}`));

const described = (values: readonly string[], description = ""): Offer[] =>
  values.map((value) => ({ value, description }));

async function valuesOf(
  name: string,
  def: Def,
  given: Record<string, string>,
  source: ValueSource,
): Promise<Completion> {
  if (def.options) return { offers: described(def.options), directive: Directive.noFiles };
  const known = await source(name, given);
  if (known) return { offers: described(known), directive: Directive.noFiles };
  const hint = (def as { valueHint?: string }).valueHint ?? "";
  if (hint === "dir") return { offers: [], directive: Directive.dirs };
  if (["file", "log", "path"].includes(hint)) return { offers: [], directive: Directive.default };
  return { offers: [], directive: Directive.noFiles };
}

async function subCommandOffers(cmd: AnyCommand): Promise<Offer[]> {
  const subs = await resolveValue<Record<string, unknown> | undefined>(cmd.subCommands);
  const entries = await Promise.all(
    Object.entries(subs ?? {}).map(async ([name, lazy]) => {
      const meta = await resolveValue<{ description?: string; hidden?: boolean } | undefined>(
        (await resolveValue<AnyCommand>(lazy)).meta,
      );
      return meta?.hidden ? [] : [{ value: name, description: meta?.description ?? "" }];
    }),
  );
  return entries.flat();
}

function flagOffers(flags: Flags, current: string, used: Set<string>): Offer[] {
  const offers: Offer[] = [];
  for (const [name, def] of flags) {
    if (used.has(name)) continue;
    const description = def.description ?? "";
    if (current === "-" || (current.startsWith("-") && !current.startsWith("--"))) {
      for (const alias of aliasesOf(def)) offers.push({ value: `-${alias}`, description });
    }
    offers.push({ value: `--${name}`, description });
  }
  offers.push({ value: "--help", description: "Show usage" });
  return offers;
}

const startingWith = (completion: Completion, prefix: string): Completion => ({
  ...completion,
  offers: completion.offers.filter((offer) => offer.value.startsWith(prefix)),
});

/** `words` are the words after the program name; the last is the one being completed ("" after a space). */
export async function completeWords(
  root: AnyCommand,
  words: readonly string[],
  source: ValueSource,
): Promise<Completion> {
  const none: Completion = { offers: [], directive: Directive.noFiles };
  const typed = words.slice(0, -1);
  const current = words[words.length - 1] ?? "";
  let cmd = root;
  let flags = await flagsOf(root);
  let positionals = 0;
  let afterDashes = false;
  const given: Record<string, string> = {};
  const used = new Set<string>();

  for (let i = 0; i < typed.length; i++) {
    const word = typed[i] as string;
    if (afterDashes || !isFlag(word)) {
      const subs = afterDashes ? undefined : await resolveValue<Record<string, unknown>>(cmd.subCommands);
      if (subs && !Object.hasOwn(subs, word)) return none;
      if (subs) {
        cmd = await resolveValue<AnyCommand>(subs[word]);
        flags = await flagsOf(cmd);
        continue;
      }
      positionals++;
      continue;
    }
    if (word === "--") {
      afterDashes = true;
      continue;
    }
    const [spelling, inline] = word.split(/=(.*)/s) as [string, string | undefined];
    const flag = findFlag(flags, spelling);
    if (!flag) continue;
    const [name, def] = flag;
    used.add(name);
    if (def.type === "boolean") continue;
    if (inline !== undefined) given[name] = inline;
    else if (i + 1 < typed.length) given[name] = typed[++i] as string;
    // The flag is the last typed word: what is being completed is its value.
    else return startingWith(await valuesOf(name, def, given, source), current);
  }

  if (!afterDashes && current.startsWith("-")) {
    const [spelling, inline] = current.split(/=(.*)/s) as [string, string | undefined];
    if (inline === undefined) {
      return startingWith(
        { offers: flagOffers(flags, current, used), directive: Directive.noFiles },
        current,
      );
    }
    const flag = findFlag(flags, spelling);
    if (!flag || flag[1].type === "boolean") return none;
    // Shells put the `--flag=` back in front of these themselves.
    return startingWith(await valuesOf(flag[0], flag[1], given, source), inline);
  }
  if (cmd.subCommands && !afterDashes) {
    return startingWith({ offers: await subCommandOffers(cmd), directive: Directive.noFiles }, current);
  }
  const positional = (await positionalsOf(cmd))[positionals];
  if (!positional) return none;
  return startingWith(await valuesOf(positional[0], positional[1], given, source), current);
}

/** The answer in tab's protocol: `value<TAB>description` lines, then `:<directive>`. */
export function formatCompletion(completion: Completion): string {
  const lines = completion.offers.map(({ value, description }) =>
    description ? `${value}\t${description.replace(/\s+/g, " ")}` : value,
  );
  return `${[...lines, `:${completion.directive}`].join("\n")}\n`;
}
