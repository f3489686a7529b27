// Reading error text for the classifier: lower-cased once, every search linear in the text's length.
import type { Term, Wording } from "./classifier-wordings.ts";

export interface ScannedText {
  has(wording: Wording): boolean;
  any(wordings: readonly Wording[]): boolean;
  statusCodes(): Generator<number>;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const isWordChar = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch);
const isSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

// Windows spells the program with its extension when given a full path.
const DOCKER_NAMES = ["docker", "docker.exe"];

export function scanText(raw: string): ScannedText {
  const lower = raw.toLowerCase();
  const seen = new Map<string, boolean>();
  const contains = (needle: string) => {
    let found = seen.get(needle);
    if (found === undefined) {
      found = lower.includes(needle);
      seen.set(needle, found);
    }
    return found;
  };

  const term = (t: Term): boolean => {
    if (typeof t === "string") return contains(t);
    if ("word" in t) return hasWord(lower, t.word);
    if ("exact" in t) return raw.includes(t.exact);
    if ("shNotFound" in t) return hasShNotFound(lower);
    // Bun and Deno word an EACCES like a missing program; the text then says so.
    if (contains("permission denied")) return false;
    return t.spawnOf === "docker" ? spawnsProgram(lower, isDockerProgram) : spawnsProgram(lower, () => true);
  };
  const has = (wording: Wording): boolean => (isTermList(wording) ? wording.every(term) : term(wording));

  return {
    has,
    any: (wordings) => wordings.some(has),
    statusCodes: () => statusCodes(lower),
  };
}

const isTermList = (wording: Wording): wording is readonly Term[] => Array.isArray(wording);

function hasWord(lower: string, word: string): boolean {
  for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
    if (!isWordChar(lower[at - 1]) && !isWordChar(lower[at + word.length])) return true;
  }
  return false;
}

// dash and busybox sh print `/bin/sh: 1: uvx: not found`: a program name right before the colon.
function hasShNotFound(lower: string): boolean {
  for (let at = lower.indexOf(": not found"); at !== -1; at = lower.indexOf(": not found", at + 1)) {
    const before = lower[at - 1];
    if (before !== undefined && !isSpace(before)) return true;
  }
  return false;
}

type ProgramTest = (lower: string, start: number, end: number) => boolean;

// Is lower[start, end) the docker program itself, or a path whose last part is it?
function isDockerProgram(lower: string, start: number, end: number): boolean {
  return DOCKER_NAMES.some((name) => {
    const at = end - name.length;
    if (at < start || !lower.startsWith(name, at)) return false;
    return at === start || lower[at - 1] === "/" || lower[at - 1] === "\\";
  });
}

function spawnsProgram(lower: string, test: ProgramTest): boolean {
  if (someSpawnEnoent(lower, test)) return true;
  return QUOTED_SPAWNS.some((prefix) => someQuoted(lower, prefix, test));
}

// Deno `Failed to spawn 'P'`, Bun `posix_spawn 'P'` and `Executable not found in $PATH: "P"`.
const QUOTED_SPAWNS = ["failed to spawn '", "posix_spawn '", 'executable not found in $path: "'];

// Occurrences of one needle asked for in increasing order, so each stretch of text is searched once.
function occurrences(text: string, needle: string) {
  let at = text.indexOf(needle);
  return {
    peek: () => at,
    advance: () => {
      at = at === -1 ? -1 : text.indexOf(needle, at + 1);
    },
  };
}

// Node/Bun `spawn P ENOENT` and `spawnSync P ENOENT`: P runs from the nearest `spawn ` before
// ` ENOENT` on the same line, spaces included.
function someSpawnEnoent(lower: string, test: ProgramTest): boolean {
  const starts = [
    { found: occurrences(lower, "spawn "), length: 6 },
    { found: occurrences(lower, "spawnsync "), length: 10 },
  ];
  const newlines = occurrences(lower, "\n");
  let spawnAt = -1;
  let programAt = -1;
  let lineStart = 0;
  for (let end = lower.indexOf(" enoent"); end !== -1; end = lower.indexOf(" enoent", end + 1)) {
    for (const { found, length } of starts) {
      for (let at = found.peek(); at !== -1 && at + length <= end; at = found.peek()) {
        if (at > spawnAt) [spawnAt, programAt] = [at, at + length];
        found.advance();
      }
    }
    for (let at = newlines.peek(); at !== -1 && at < end; at = newlines.peek()) {
      lineStart = at + 1;
      newlines.advance();
    }
    if (spawnAt >= lineStart && end > programAt && test(lower, programAt, end)) return true;
  }
  return false;
}

function someQuoted(lower: string, prefix: string, test: ProgramTest): boolean {
  const newlines = occurrences(lower, "\n");
  const quote = prefix.slice(-1);
  let from = 0;
  for (;;) {
    const at = lower.indexOf(prefix, from);
    if (at === -1) return false;
    const start = at + prefix.length;
    const end = lower.indexOf(quote, start);
    if (end === -1) return false;
    while (newlines.peek() !== -1 && newlines.peek() < start) newlines.advance();
    const sameLine = newlines.peek() === -1 || newlines.peek() > end;
    if (sameLine && end > start && test(lower, start, end)) return true;
    // The prefix ends with the quote, so no other occurrence can start before the closing quote.
    from = Math.max(at + 1, end - prefix.length + 1);
  }
}

// `status NNN` occurrences, left to right.
function* statusCodes(lower: string): Generator<number> {
  for (let at = lower.indexOf("status "); at !== -1; at = lower.indexOf("status ", at + 1)) {
    const digits = at + 7;
    if (isDigit(lower[digits]) && isDigit(lower[digits + 1]) && isDigit(lower[digits + 2])) {
      if (!isDigit(lower[digits + 3])) yield Number(lower.slice(digits, digits + 3));
    }
  }
}
