// Reading error text for the classifier: wordings compiled once into needle bits, each text scanned once.
import { isNeedle, NeedleAutomaton, type NeedleBits } from "./classifier-needles.ts";
import { type Glance, NeedleFilter } from "./classifier-prefilter.ts";
import type { RuleTable, Term, Wording } from "./classifier-wordings.ts";
import type { DiagnosticCode } from "./codes.ts";

// A term the needle bits cannot settle alone: checked on the text once its needles are there.
type Check =
  | { readonly kind: "word"; readonly word: string }
  | { readonly kind: "exact"; readonly text: string }
  | { readonly kind: "lower"; readonly text: string }
  | { readonly kind: "shNotFound" }
  | { readonly kind: "spawnOf"; readonly docker: boolean }
  | { readonly kind: "spawnEacces" };

// Holds when every needle of `needles` is present and every check passes.
interface CompiledWording {
  readonly needles: NeedleBits;
  readonly checks: readonly Check[];
}

/** Any of some wordings. A text holding no needle of `gate` (one each wording needs) matches none. */
export interface WordingSet {
  readonly gate: NeedleBits;
  readonly open: boolean;
  readonly wordings: readonly CompiledWording[];
}

/** A rule table: the code of its first entry whose wordings match. */
export interface CompiledTable {
  readonly gate: NeedleBits;
  readonly open: boolean;
  readonly entries: readonly (readonly [DiagnosticCode, WordingSet])[];
}

// A letter or digit of any script; `u` reads a surrogate pair as the one character it is.
const WORD_CHAR_BEFORE = /[\p{L}\p{N}]$/u;
const WORD_CHAR_AFTER = /^[\p{L}\p{N}]/u;
const SPACE = /\p{White_Space}/u;
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

// Windows spells the program with its extension when given a full path.
const DOCKER_NAMES = ["docker", "docker.exe"];
// Deno `Failed to spawn 'P'`, Bun `posix_spawn 'P'` and `Executable not found in $PATH: "P"`.
const QUOTED_SPAWNS = ["failed to spawn '", "posix_spawn '", 'executable not found in $path: "'];
const STATUS = "status ";

/** Compiles wordings into needle bits; `scanner()` then builds the one automaton over all their needles. */
export class TextRules {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  private sealed = false;
  // One needle each wording cannot hold without, and whether some wording needs none (then every text may match).
  private readonly keys = new Set<number>();
  private keyless = false;
  private readonly status = this.needle(STATUS);
  private readonly permissionDenied = this.needle("permission denied");
  // A runtime spawn wording holds one of these: ` enoent` or a quoted prefix.
  private readonly spawnIds = [" enoent", ...QUOTED_SPAWNS].map((n) => this.needle(n));

  set(wordings: readonly Wording[]): WordingSet {
    return this.compileSet(wordings).set;
  }

  table(table: RuleTable): CompiledTable {
    const entries: (readonly [DiagnosticCode, WordingSet])[] = [];
    const gateIds: number[] = [];
    let open = false;
    for (let i = 0; i < table.length; i++) {
      const [code, wordings] = table[i] as RuleTable[number];
      const compiled = this.compileSet(wordings);
      entries.push([code, compiled.set]);
      for (let k = 0; k < compiled.gateIds.length; k++) gateIds.push(compiled.gateIds[k] as number);
      open ||= compiled.set.open;
    }
    return { gate: this.bits(gateIds), open, entries };
  }

  // Compiling runs at every start, in the interpreter: indexed loops, and each wording's needle ids kept
  // rather than read back out of its bits.
  private compileSet(wordings: readonly Wording[]): { set: WordingSet; gateIds: number[] } {
    const compiled: CompiledWording[] = [];
    let open = false;
    const gateIds: number[] = [];
    for (let i = 0; i < wordings.length; i++) {
      const { wording, ids } = this.wording(wordings[i] as Wording);
      compiled.push(wording);
      const first = ids.length === 0 ? -1 : minOf(ids);
      const checks = wording.checks;
      const spawnOnly = first === -1 && checks.length > 0 && checks.every((c) => c.kind === "spawnOf");
      if (first !== -1) gateIds.push(first);
      else if (spawnOnly) gateIds.push(...this.spawnIds);
      else open = true;
      this.addKey(spawnOnly ? this.spawnIds : this.longest(ids));
    }
    // Sorted and unique, as reading them back out of the bits gave them.
    const unique = [...new Set(gateIds)].sort((a, b) => a - b);
    return { set: { gate: this.bits(gateIds), open, wordings: compiled }, gateIds: unique };
  }

  scanner(): TextScan {
    this.sealed = true;
    const texts = this.texts;
    // `firstStatus` reads the text only when it holds its needle.
    const keys = [...this.keys, this.status].map((id) => texts[id] ?? "");
    const keyless = this.keyless;
    const machine = (): Machine => ({
      automaton: new NeedleAutomaton(texts),
      filter: keyless ? undefined : NeedleFilter.of(keys),
    });
    return new TextScan(texts, machine, this.status, this.permissionDenied, this.bits(this.spawnIds));
  }

  // A wording matches no text that holds none of `ids`; none at all: any text may match it.
  private addKey(ids: readonly number[]): void {
    if (ids.length === 0) this.keyless = true;
    for (const id of ids) this.keys.add(id);
  }

  // Of the needles a wording needs, the longest is the one least often found in text that holds no other
  // (of equal ones, the lowest id, as a walk over its bits would find first).
  private longest(ids: readonly number[]): number[] {
    let best = -1;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      const length = this.texts[id]?.length ?? 0;
      const bestLength = best === -1 ? -1 : (this.texts[best]?.length ?? 0);
      if (length > bestLength || (length === bestLength && id < best)) best = id;
    }
    return best === -1 ? [] : [best];
  }

  private wording(wording: Wording): { wording: CompiledWording; ids: number[] } {
    const ids: number[] = [];
    const checks: Check[] = [];
    const terms = isTermList(wording) ? wording : [wording];
    for (let i = 0; i < terms.length; i++) {
      const t = terms[i] as Term;
      if (typeof t === "string") this.literal(ids, checks, t);
      else if ("word" in t) this.literal(ids, checks, t.word, { kind: "word", word: t.word });
      // ASCII lower-cases letter by letter, so text holding an ASCII `exact` holds its lower case once lowered.
      else if ("exact" in t)
        this.literal(ids, checks, isAscii(t.exact) ? t.exact.toLowerCase() : "", {
          kind: "exact",
          text: t.exact,
        });
      else if ("shNotFound" in t) this.literal(ids, checks, ": not found", { kind: "shNotFound" });
      else if ("spawnEacces" in t) this.literal(ids, checks, " eacces", { kind: "spawnEacces" });
      else checks.push({ kind: "spawnOf", docker: t.spawnOf === "docker" });
    }
    return { wording: { needles: this.bits(ids), checks }, ids };
  }

  // A literal the automaton can look for becomes a needle; any other is looked for in the text itself.
  private literal(ids: number[], checks: Check[], text: string, check?: Check): void {
    if (isNeedle(text)) ids.push(this.needle(text));
    else if (check === undefined && text !== "") checks.push({ kind: "lower", text });
    if (check !== undefined) checks.push(check);
  }

  private needle(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.sealed) throw new Error("wordings compiled after the scanner was built");
      id = this.ids.size;
      this.ids.set(text, id);
      this.texts.push(text);
    }
    return id;
  }

  // Only as many words as the highest id needs: fewer words to test for each text.
  private bits(ids: readonly number[]): NeedleBits {
    let max = -1;
    for (let i = 0; i < ids.length; i++) max = Math.max(max, ids[i] as number);
    const bits = new Int32Array(max === -1 ? 0 : (max >> 5) + 1);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      bits[id >> 5] = (bits[id >> 5] ?? 0) | (1 << (id & 31));
    }
    return bits;
  }
}

const isTermList = (wording: Wording): wording is readonly Term[] => Array.isArray(wording);
const isAscii = (text: string) => !/[\u0080-\uffff]/.test(text);
const minOf = (ids: readonly number[]): number => {
  let min = ids[0] as number;
  for (let i = 1; i < ids.length; i++) min = Math.min(min, ids[i] as number);
  return min;
};
const EMPTY_BYTES = new Uint8Array(0);
const ASCII = new TextDecoder();

/** The automaton over every needle, and the filter that lets a log line skip it; built on first need. */
interface Machine {
  readonly automaton: NeedleAutomaton;
  // Undefined when some wording needs no needle (or one too short to filter on): then every text is scanned.
  readonly filter: NeedleFilter | undefined;
}

// Building the automaton costs a one-message `diagnose` most of its start-up: the first few short texts look
// for each needle directly (the same bits: needles are lower-case ASCII, looked for in the lower-cased text).
const DIRECT_SCANS = 8;
const DIRECT_MAX_LENGTH = 4096;

/** One text at a time: `scan` resets it, so a classifier reuses a single instance. */
export class TextScan {
  // Undefined while the text is still only `bytes`, an ASCII line not decoded until a check needs it.
  private raw: string | undefined = "";
  private bytes: Uint8Array = EMPTY_BYTES;
  private start = 0;
  private end = 0;
  private lowered: string | undefined;
  private aligned: string | undefined;
  private readonly present: NeedleBits;
  // The needles of the second line of a pair, until it is taken.
  private readonly second: NeedleBits;
  private built: Machine | undefined;
  private directScans = 0;

  constructor(
    private readonly needles: readonly string[],
    private readonly build: () => Machine,
    private readonly status: number,
    private readonly permissionDenied: number,
    private readonly spawnGate: NeedleBits,
  ) {
    this.present = new Int32Array(Math.max(1, Math.ceil(needles.length / 32)));
    this.second = new Int32Array(this.present.length);
  }

  private machine(): Machine {
    this.built ??= this.build();
    return this.built;
  }

  scan(raw: string): this {
    this.clear();
    this.present.fill(0);
    this.raw = raw;
    if (!this.built && raw.length <= DIRECT_MAX_LENGTH && this.directScans++ < DIRECT_SCANS) {
      const lower = this.lower();
      this.needles.forEach((needle, id) => {
        if (lower.includes(needle)) this.present[id >> 5] = (this.present[id >> 5] ?? 0) | (1 << (id & 31));
      });
      return this;
    }
    const { automaton } = this.machine();
    // Some non-ASCII letters lower-case to ASCII (the Kelvin sign to `k`): such a text is scanned lower-cased.
    if (!automaton.scanAscii(raw, this.present)) {
      this.present.fill(0);
      automaton.scanLower(this.lower(), this.present);
    }
    return this;
  }

  /**
   * As `scan` on the text of bytes[start, end), decoded only if a check needs it, when they are all ASCII. "none":
   * the text holds no needle that any wording or `firstStatus` needs, so it reads as the empty text; then, as for
   * "not-ascii", nothing was scanned.
   */
  scanAsciiBytes(bytes: Uint8Array, start: number, end: number): "not-ascii" | "none" | "scanned" {
    const glance = this.glance(bytes, start, end);
    if (glance !== "needle") return glance;
    return this.scanNeedleBytes(bytes, start, end) ? "scanned" : "not-ascii";
  }

  /** "none" when bytes[start, end) hold no needle that any wording or `firstStatus` needs and are all ASCII. */
  glance(bytes: Uint8Array, start: number, end: number): Glance {
    return this.machine().filter?.glance(bytes, start, end) ?? "needle";
  }

  /** As `scanAsciiBytes` after its glance; false when the bytes are not all ASCII. */
  scanNeedleBytes(bytes: Uint8Array, start: number, end: number): boolean {
    this.clear();
    this.present.fill(0);
    if (!this.machine().automaton.scanAsciiBytes(bytes, start, end, this.present)) return false;
    this.hold(bytes, start, end);
    return true;
  }

  /**
   * `scanNeedleBytes` on two lines in one pass; the first is then the scanned text, and `takeSecond` makes the
   * second so. Bit 0 of the result: the first is all ASCII; bit 1: the second.
   */
  scanNeedleBytesPair(
    a: Uint8Array,
    aStart: number,
    aEnd: number,
    b: Uint8Array,
    bStart: number,
    bEnd: number,
  ) {
    this.clear();
    this.present.fill(0);
    this.second.fill(0);
    const { automaton } = this.machine();
    const ascii = automaton.scanAsciiBytesPair(a, aStart, aEnd, this.present, b, bStart, bEnd, this.second);
    this.hold(a, aStart, aEnd);
    return ascii;
  }

  /** The second line of the last `scanNeedleBytesPair` as the scanned text. */
  takeSecond(b: Uint8Array, bStart: number, bEnd: number): void {
    this.clear();
    this.present.set(this.second);
    this.hold(b, bStart, bEnd);
  }

  private hold(bytes: Uint8Array, start: number, end: number): void {
    this.raw = undefined;
    this.bytes = bytes;
    this.start = start;
    this.end = end;
  }

  /** The needles the last scan found. */
  get found(): NeedleBits {
    return this.present;
  }

  /** Whether a check read the bytes `scanAsciiBytes` scanned: until one does, a decision rests on `found` alone. */
  get textRead(): boolean {
    return this.raw !== undefined;
  }

  /** Lets go of the text, so that a long one is not kept alive until the next. */
  clear(): void {
    this.raw = "";
    this.bytes = EMPTY_BYTES;
    this.lowered = undefined;
    this.aligned = undefined;
  }

  any(set: WordingSet): boolean {
    if (!set.open && !this.someOf(set.gate)) return false;
    for (const wording of set.wordings) if (this.holds(wording)) return true;
    return false;
  }

  first(table: CompiledTable): DiagnosticCode | undefined {
    if (!table.open && !this.someOf(table.gate)) return undefined;
    for (const [code, set] of table.entries) if (this.any(set)) return code;
    return undefined;
  }

  /** The first `status NNN` of the text, left to right, that `decide` maps. */
  firstStatus<T>(decide: (status: number) => T | undefined): T | undefined {
    if (!this.hasNeedle(this.status)) return undefined;
    const lower = this.lower();
    for (let at = lower.indexOf(STATUS); at !== -1; at = lower.indexOf(STATUS, at + 1)) {
      const digits = at + STATUS.length;
      if (isDigit(lower[digits]) && isDigit(lower[digits + 1]) && isDigit(lower[digits + 2])) {
        if (isDigit(lower[digits + 3])) continue;
        const decided = decide(Number(lower.slice(digits, digits + 3)));
        if (decided !== undefined) return decided;
      }
    }
    return undefined;
  }

  private text(): string {
    if (this.raw === undefined) this.raw = ASCII.decode(this.bytes.subarray(this.start, this.end));
    return this.raw;
  }

  private lower(): string {
    if (this.lowered === undefined) this.lowered = this.text().toLowerCase();
    return this.lowered;
  }

  // Lower case at the raw text's positions: only İ lower-cases to two characters; as ı it keeps its place.
  private lowerAligned(): string {
    const lower = this.lower();
    const raw = this.text();
    if (lower.length === raw.length) return lower;
    if (this.aligned === undefined) this.aligned = raw.replaceAll("\u0130", "\u0131").toLowerCase();
    return this.aligned;
  }

  private hasNeedle(id: number): boolean {
    return ((this.present[id >> 5] ?? 0) & (1 << (id & 31))) !== 0;
  }

  private someOf(bits: NeedleBits): boolean {
    for (let w = 0; w < bits.length; w++) if (((this.present[w] ?? 0) & (bits[w] ?? 0)) !== 0) return true;
    return false;
  }

  private holds(wording: CompiledWording): boolean {
    const { needles } = wording;
    for (let w = 0; w < needles.length; w++) {
      const need = needles[w] ?? 0;
      if (((this.present[w] ?? 0) & need) !== need) return false;
    }
    for (const check of wording.checks) if (!this.passes(check)) return false;
    return true;
  }

  private passes(check: Check): boolean {
    switch (check.kind) {
      case "word":
        return hasWord(this.text(), this.lowerAligned(), check.word);
      case "exact":
        return this.text().includes(check.text);
      case "lower":
        return this.lower().includes(check.text);
      case "shNotFound":
        return hasShNotFound(this.lower());
      case "spawnOf":
        // Bun and Deno word an EACCES like a missing program; the text then says so.
        if (this.hasNeedle(this.permissionDenied) || !this.someOf(this.spawnGate)) return false;
        return spawnsProgram(this.lower(), check.docker ? isDockerProgram : anyProgram);
      case "spawnEacces":
        return someSpawnErrno(this.lower(), " eacces", anyProgram);
    }
  }
}

// `lower` is the raw text lower-cased at the same positions; the letters either side are the raw text's own.
function hasWord(raw: string, lower: string, word: string): boolean {
  for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + 1)) {
    const end = at + word.length;
    if (WORD_CHAR_BEFORE.test(raw.slice(Math.max(0, at - 2), at))) continue;
    if (!WORD_CHAR_AFTER.test(raw.slice(end, end + 2))) return true;
  }
  return false;
}

// dash and busybox sh print `/bin/sh: 1: uvx: not found`: a program name right before the colon.
function hasShNotFound(lower: string): boolean {
  for (let at = lower.indexOf(": not found"); at !== -1; at = lower.indexOf(": not found", at + 1)) {
    const before = lower[at - 1];
    if (before !== undefined && !SPACE.test(before)) return true;
  }
  return false;
}

type ProgramTest = (lower: string, start: number, end: number) => boolean;

const anyProgram: ProgramTest = () => true;

// Is lower[start, end) the docker program itself, or a path whose last part is it?
function isDockerProgram(lower: string, start: number, end: number): boolean {
  for (let i = 0; i < DOCKER_NAMES.length; i++) {
    const name = DOCKER_NAMES[i] as string;
    const at = end - name.length;
    if (at < start || !lower.startsWith(name, at)) continue;
    if (at === start || lower[at - 1] === "/" || lower[at - 1] === "\\") return true;
  }
  return false;
}

function spawnsProgram(lower: string, test: ProgramTest): boolean {
  if (someSpawnErrno(lower, " enoent", test)) return true;
  for (let i = 0; i < QUOTED_SPAWNS.length; i++)
    if (someQuoted(lower, QUOTED_SPAWNS[i] as string, test)) return true;
  return false;
}

// The checks below run on every line a spawn wording may be in, so they keep to plain loops: a closure or an
// array a call, on a log's many such lines, grew the heap by megabytes.

// The next occurrence of a needle after the one at `at`, each stretch of text searched once.
const nextAt = (text: string, needle: string, at: number) => (at === -1 ? -1 : text.indexOf(needle, at + 1));

const SPAWN = "spawn ";
const SPAWN_SYNC = "spawnsync ";

// Node/Bun `spawn P ENOENT` and `spawnSync P ENOENT` (or EACCES): P runs from the nearest `spawn `
// before the errno on the same line, spaces included.
function someSpawnErrno(lower: string, errno: " enoent" | " eacces", test: ProgramTest): boolean {
  let spawn = lower.indexOf(SPAWN);
  let spawnSync = lower.indexOf(SPAWN_SYNC);
  let newline = lower.indexOf("\n");
  let spawnAt = -1;
  let programAt = -1;
  let lineStart = 0;
  for (let end = lower.indexOf(errno); end !== -1; end = lower.indexOf(errno, end + 1)) {
    for (; spawn !== -1 && spawn + SPAWN.length <= end; spawn = nextAt(lower, SPAWN, spawn)) {
      if (spawn > spawnAt) {
        spawnAt = spawn;
        programAt = spawn + SPAWN.length;
      }
    }
    for (
      ;
      spawnSync !== -1 && spawnSync + SPAWN_SYNC.length <= end;
      spawnSync = nextAt(lower, SPAWN_SYNC, spawnSync)
    ) {
      if (spawnSync > spawnAt) {
        spawnAt = spawnSync;
        programAt = spawnSync + SPAWN_SYNC.length;
      }
    }
    for (; newline !== -1 && newline < end; newline = nextAt(lower, "\n", newline)) lineStart = newline + 1;
    if (spawnAt >= lineStart && end > programAt && test(lower, programAt, end)) return true;
  }
  return false;
}

function someQuoted(lower: string, prefix: string, test: ProgramTest): boolean {
  let newline = lower.indexOf("\n");
  const quote = prefix.slice(-1);
  let from = 0;
  for (;;) {
    const at = lower.indexOf(prefix, from);
    if (at === -1) return false;
    const start = at + prefix.length;
    const end = lower.indexOf(quote, start);
    if (end === -1) return false;
    while (newline !== -1 && newline < start) newline = nextAt(lower, "\n", newline);
    const sameLine = newline === -1 || newline > end;
    if (sameLine && end > start && test(lower, start, end)) return true;
    // The prefix ends with the quote, so no other occurrence can start before the closing quote.
    from = Math.max(at + 1, end - prefix.length + 1);
  }
}
