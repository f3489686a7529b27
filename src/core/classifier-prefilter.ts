// Whether an ASCII line holds any of some needles, at a few operations a byte: one 4-character piece of each
// needle is looked up by hash at every position, and the whole needle checked only where its piece is.

/** What a look at a line's bytes found: a needle (the rest unread), or none in a line that is ASCII or is not. */
export type Glance = "not-ascii" | "none" | "needle";

const GRAM = 4;
// Of letters, English's commonest come first; any other character parts words.
const LETTERS_BY_FREQUENCY = "etaoinsrhldcumfpgwybvkxjqz";
// One byte a hash: a larger table than a bit set, but one load and no shifts a position.
const HASH_BITS = 16;

const lowerByte = (c: number) => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);
// Four bytes as one number, the last in the low byte, with bit 5 of each set: upper-case letters then look
// like their lower case (other bytes may too; the whole needle is compared exactly anyway).
const foldGram = (gram: number) => gram | 0x20202020;
const gramOf = (needle: Uint8Array, at: number) =>
  foldGram(
    ((needle[at] ?? 0) << 24) |
      ((needle[at + 1] ?? 0) << 16) |
      ((needle[at + 2] ?? 0) << 8) |
      (needle[at + 3] ?? 0),
  );
const hash = (gram: number) => Math.imul(gram, 0x9e3779b1) >>> (32 - HASH_BITS);

// Every so many times a gram is seen where its needle is not, the needle's gram seen so least is looked for.
const MISSES_TO_MOVE = 256;

interface Placed {
  readonly needle: Uint8Array;
  // Where the needle's grams start, the likeliest to be rare first; `pick` is the one looked for.
  readonly starts: readonly number[];
  // How often each gram was seen where the needle was not.
  readonly misses: number[];
  pick: number;
}

export class NeedleFilter {
  private readonly hashes = new Uint8Array(1 << HASH_BITS);
  private readonly grams = new Map<number, Placed[]>();
  private readonly placed: Placed[];

  /** Undefined when a needle is shorter than a gram. Needles are lower-case ASCII, as NeedleAutomaton takes them. */
  static of(needles: readonly string[]): NeedleFilter | undefined {
    return needles.every((n) => n.length >= GRAM) ? new NeedleFilter(needles) : undefined;
  }

  private constructor(needles: readonly string[]) {
    const encoder = new TextEncoder();
    this.placed = needles.map((text) => {
      const starts = byRarity(text);
      return { needle: encoder.encode(text), starts, misses: starts.map(() => 0), pick: 0 };
    });
    this.index();
  }

  private index(): void {
    this.hashes.fill(0);
    this.grams.clear();
    for (const placed of this.placed) {
      const gram = gramOf(placed.needle, placed.starts[placed.pick] ?? 0);
      this.hashes[hash(gram)] = 1;
      this.grams.set(gram, [...(this.grams.get(gram) ?? []), placed]);
    }
  }

  /** "none" only when bytes[start, end) are all ASCII and hold no needle, in any case. */
  glance(bytes: Uint8Array, start: number, end: number): Glance {
    const { hashes } = this;
    let gram = 0;
    let high = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i] ?? 0;
      high |= c;
      gram = (gram << 8) | c;
      if (
        hashes[hash(foldGram(gram))] !== 0 &&
        this.placedAt(bytes, start, end, i + 1 - GRAM, foldGram(gram))
      ) {
        return "needle";
      }
    }
    return high > 0x7f ? "not-ascii" : "none";
  }

  // Does a needle with this gram lie around the gram at bytes[from]? Grams that keep answering no are replaced.
  private placedAt(bytes: Uint8Array, start: number, end: number, from: number, gram: number): boolean {
    let moved = false;
    for (const placed of this.grams.get(gram) ?? []) {
      const first = from - (placed.starts[placed.pick] ?? 0);
      if (first >= start && first + placed.needle.length <= end && holdsAt(bytes, first, placed.needle))
        return true;
      const misses = (placed.misses[placed.pick] ?? 0) + 1;
      placed.misses[placed.pick] = misses;
      if (misses % MISSES_TO_MOVE === 0) moved = this.move(placed) || moved;
    }
    if (moved) this.index();
    return false;
  }

  // To the gram seen in vain least often so far, the rarest-looking of those.
  private move(placed: Placed): boolean {
    const fewest = placed.misses.indexOf(Math.min(...placed.misses));
    if (fewest === placed.pick) return false;
    placed.pick = fewest;
    return true;
  }
}

function holdsAt(bytes: Uint8Array, first: number, needle: Uint8Array): boolean {
  for (let j = 0; j < needle.length; j++) if (lowerByte(bytes[first + j] ?? 0) !== needle[j]) return false;
  return true;
}

// The starts of the needle's grams, those least likely in ordinary log text first (by their letters).
function byRarity(needle: string): number[] {
  const ranks = Array.from(needle, (c) => LETTERS_BY_FREQUENCY.indexOf(c) + 1);
  const rarity = (at: number) =>
    (ranks[at] ?? 0) + (ranks[at + 1] ?? 0) + (ranks[at + 2] ?? 0) + (ranks[at + 3] ?? 0);
  const starts = Array.from({ length: needle.length - GRAM + 1 }, (_, at) => [at, rarity(at)] as const);
  return starts.sort(([a, ra], [b, rb]) => rb - ra || a - b).map(([at]) => at);
}
