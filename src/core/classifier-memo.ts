// Decisions by needle bits: a line decided on its needle bits alone decides every later line with the same bits.
import type { NeedleBits } from "./classifier-needles.ts";

// A log holds few distinct bit sets (a few a wording); past half the slots, new ones are only decided each time.
const SLOT_BITS = 10;
const SLOTS = 1 << SLOT_BITS;
const MAX_KEPT = SLOTS >> 1;

export class DecisionMemo<T> {
  private readonly keys: Int32Array;
  private readonly values: (T | undefined)[] = new Array(SLOTS).fill(undefined);
  private kept = 0;

  constructor(private readonly words: number) {
    this.keys = new Int32Array(words * SLOTS);
  }

  get(bits: NeedleBits): T | undefined {
    return this.values[this.slotOf(bits)];
  }

  set(bits: NeedleBits, value: T): void {
    const slot = this.slotOf(bits);
    if (this.values[slot] !== undefined || this.kept === MAX_KEPT) return;
    for (let w = 0; w < this.words; w++) this.keys[slot * this.words + w] = bits[w] ?? 0;
    this.values[slot] = value;
    this.kept++;
  }

  // Open addressing: the slot holding these bits, or the empty one where they would go.
  private slotOf(bits: NeedleBits): number {
    let h = 0;
    for (let w = 0; w < this.words; w++) h = Math.imul(h ^ (bits[w] ?? 0), 0x9e3779b1);
    for (let slot = h >>> (32 - SLOT_BITS); ; slot = (slot + 1) & (SLOTS - 1)) {
      if (this.values[slot] === undefined || this.holds(slot, bits)) return slot;
    }
  }

  private holds(slot: number, bits: NeedleBits): boolean {
    const at = slot * this.words;
    for (let w = 0; w < this.words; w++) if (this.keys[at + w] !== (bits[w] ?? 0)) return false;
    return true;
  }
}
