// The plain, slow reading of the classifier's wordings, term by term off the text, for equivalence tests.
import type { Term, Wording } from "../../src/core/classifier-wordings.ts";

const WORD_CHAR = /[\p{L}\p{N}]/u;
const SH_NOT_FOUND = /[^\p{White_Space}]: not found/u;
const QUOTED_SPAWNS = ["failed to spawn '", "posix_spawn '", 'executable not found in $path: "'];
const SPAWN_STARTS = ["spawn ", "spawnsync "];

/** Does the text hold this wording? Case-insensitive, except `exact` terms. */
export function holdsPlainly(raw: string, wording: Wording): boolean {
  const lower = raw.toLowerCase();
  const term = (t: Term): boolean => {
    if (typeof t === "string") return lower.includes(t);
    if ("word" in t) return hasWord(raw, t.word);
    if ("exact" in t) return raw.includes(t.exact);
    if ("shNotFound" in t) return SH_NOT_FOUND.test(lower);
    if ("spawnEacces" in t) return lower.split("\n").some((line) => spawnErrno(line, " eacces").length > 0);
    // Bun and Deno word an EACCES like a missing program; the text then says so.
    if (lower.includes("permission denied")) return false;
    const programs = lower.split("\n").flatMap((line) => [...spawnErrno(line, " enoent"), ...quoted(line)]);
    return programs.some(t.spawnOf === "docker" ? isDocker : () => true);
  };
  return Array.isArray(wording) ? (wording as readonly Term[]).every(term) : term(wording as Term);
}

// Each character lower-cased on its own, and no letter or digit, of any script, right before or after.
function hasWord(raw: string, word: string): boolean {
  for (let at = 0; at + word.length <= raw.length; at++) {
    let same = true;
    for (let i = 0; i < word.length && same; i++) same = raw.charAt(at + i).toLowerCase() === word[i];
    if (!same) continue;
    const before = Array.from(raw.slice(Math.max(0, at - 2), at)).at(-1);
    const after = Array.from(raw.slice(at + word.length, at + word.length + 2))[0];
    if (!isWordChar(before) && !isWordChar(after)) return true;
  }
  return false;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch);

// The programs P of `spawn P <errno>` on one line: P from the last `spawn ` or `spawnSync ` before the errno.
function spawnErrno(line: string, errno: string): string[] {
  const programs: string[] = [];
  for (let end = 0; end < line.length; end++) {
    if (!line.startsWith(errno, end)) continue;
    let program: string | undefined;
    for (let at = 0; at < end; at++) {
      for (const start of SPAWN_STARTS) {
        if (line.startsWith(start, at) && at + start.length <= end)
          program = line.slice(at + start.length, end);
      }
    }
    if (program) programs.push(program);
  }
  return programs;
}

// The programs P of Deno's `Failed to spawn 'P'` and Bun's quoted wordings on one line: up to the next quote.
function quoted(line: string): string[] {
  const programs: string[] = [];
  for (const prefix of QUOTED_SPAWNS) {
    for (let at = 0; at < line.length; at++) {
      if (!line.startsWith(prefix, at)) continue;
      const start = at + prefix.length;
      const end = line.indexOf(prefix.slice(-1), start);
      if (end > start) programs.push(line.slice(start, end));
    }
  }
  return programs;
}

// Its base name (after the last `/` or `\`) is docker or docker.exe.
function isDocker(program: string): boolean {
  const base = program.slice(Math.max(program.lastIndexOf("/"), program.lastIndexOf("\\")) + 1);
  return base === "docker" || base === "docker.exe";
}
