// Which of a fixed set of lower-case ASCII needles a text holds, in one pass: an Aho–Corasick automaton.

/** Needle i is present when bit (i & 31) of word (i >> 5) is set. */
export type NeedleBits = Int32Array;

/** Can the automaton look for this literal? Only ASCII, and no upper case, which lower-cased text never holds. */
export const isNeedle = (literal: string): boolean => literal !== "" && !/[A-Z\u0080-\uffff]/.test(literal);

export class NeedleAutomaton {
  /** 32-bit words in a NeedleBits for these needles. */
  readonly words: number;
  // Character code below 128 → input class; an upper-case letter shares its lower-case letter's class.
  private readonly classes = new Uint8Array(128);
  // Row offsets (state << shift), so the next state is one load: delta[row + class].
  private readonly shift: number;
  private readonly delta: Int32Array;
  // States are numbered so that those ending a needle come last, from this row on.
  private readonly firstOutRow: number;
  private readonly firstOutState: number;
  // For each state from firstOutState on, `words` words of the needles that end there.
  private readonly out: Int32Array;

  constructor(needles: readonly string[]) {
    for (const needle of needles) if (!isNeedle(needle)) throw new Error(`not a needle: ${needle}`);
    this.words = Math.max(1, Math.ceil(needles.length / 32));
    let classCount = 1; // class 0: every character no needle holds
    for (const needle of needles) {
      for (let i = 0; i < needle.length; i++) {
        const c = needle.charCodeAt(i);
        if (this.classes[c] !== 0) continue;
        this.classes[c] = classCount;
        if (c >= 0x61 && c <= 0x7a) this.classes[c - 0x20] = classCount;
        classCount++;
      }
    }
    this.shift = Math.ceil(Math.log2(classCount));
    const width = 1 << this.shift;

    // The trie, then breadth-first failure links that complete it into a full transition table.
    const next: Int32Array[] = [new Int32Array(width).fill(-1)];
    const ends: Set<number>[] = [new Set()];
    needles.forEach((needle, id) => {
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const c = this.classes[needle.charCodeAt(i)] ?? 0;
        const row = next[state] ?? [];
        let to = row[c] ?? -1;
        if (to === -1) {
          to = next.length;
          row[c] = to;
          next.push(new Int32Array(width).fill(-1));
          ends.push(new Set());
        }
        state = to;
      }
      ends[state]?.add(id);
    });
    const states = next.length;
    const full = new Int32Array(states * width);
    const fail = new Int32Array(states);
    const order = [0];
    for (let q = 0; q < order.length; q++) {
      const state = order[q] ?? 0;
      for (const id of ends[fail[state] ?? 0] ?? []) ends[state]?.add(id);
      for (let c = 0; c < width; c++) {
        const to = next[state]?.[c] ?? -1;
        const viaFail = state === 0 ? 0 : (full[(fail[state] ?? 0) * width + c] ?? 0);
        if (to === -1) {
          full[state * width + c] = viaFail;
        } else {
          full[state * width + c] = to;
          fail[to] = viaFail;
          order.push(to);
        }
      }
    }

    // Renumber: the root and states ending no needle first, so one comparison tells a state with output.
    const quiet = order.filter((s) => ends[s]?.size === 0);
    const loud = order.filter((s) => (ends[s]?.size ?? 0) > 0);
    const renumbered = new Int32Array(states);
    [...quiet, ...loud].forEach((state, index) => {
      renumbered[state] = index;
    });
    this.firstOutState = quiet.length;
    this.firstOutRow = quiet.length << this.shift;
    this.delta = new Int32Array(states * width);
    for (let state = 0; state < states; state++) {
      const row = (renumbered[state] ?? 0) << this.shift;
      for (let c = 0; c < width; c++) {
        this.delta[row + c] = (renumbered[full[state * width + c] ?? 0] ?? 0) << this.shift;
      }
    }
    this.out = new Int32Array(loud.length * this.words);
    loud.forEach((state, index) => {
      for (const id of ends[state] ?? []) {
        const at = index * this.words + (id >> 5);
        this.out[at] = (this.out[at] ?? 0) | (1 << (id & 31));
      }
    });
  }

  /** Adds the needles in text to bits, folding ASCII case; false, bits unfinished, at a non-ASCII character. */
  scanAscii(text: string, bits: NeedleBits): boolean {
    const { classes, delta, firstOutRow } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) return false;
      row = delta[row + (classes[c] ?? 0)] ?? 0;
      if (row >= firstOutRow) this.mark(row, bits);
    }
    return true;
  }

  /** As scanAscii, on bytes[start, end): an ASCII byte is the character it encodes in UTF-8. */
  scanAsciiBytes(bytes: Uint8Array, start: number, end: number, bits: NeedleBits): boolean {
    const { classes, delta, firstOutRow } = this;
    let row = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i] ?? 0;
      if (c > 0x7f) return false;
      row = delta[row + (classes[c] ?? 0)] ?? 0;
      if (row >= firstOutRow) this.mark(row, bits);
    }
    return true;
  }

  /** Adds the needles in lower-cased text to bits; no needle holds a non-ASCII character, so one breaks a match. */
  scanLower(text: string, bits: NeedleBits): void {
    const { classes, delta, firstOutRow } = this;
    let row = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      row = c > 0x7f ? 0 : (delta[row + (classes[c] ?? 0)] ?? 0);
      if (row >= firstOutRow) this.mark(row, bits);
    }
  }

  private mark(row: number, bits: NeedleBits): void {
    const at = ((row >> this.shift) - this.firstOutState) * this.words;
    for (let w = 0; w < this.words; w++) bits[w] = (bits[w] ?? 0) | (this.out[at + w] ?? 0);
  }
}
