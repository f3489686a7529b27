// Lays out valid JSON text 2 spaces a level in one linear pass, without building values or recursing.

/** The laid-out text would pass its budget: indenting can multiply a deep file's size. */
export class TooLarge extends Error {}

/** Collects output in large chunks and stops as soon as it passes its budget (in UTF-16 units). */
export class Layout {
  private parts: string[] = [];
  private chunk = "";
  private size = 0;
  private pads = [""];
  constructor(private readonly budget: number) {}

  add(part: string): void {
    this.size += part.length;
    if (this.size > this.budget) throw new TooLarge();
    this.chunk += part;
    if (this.chunk.length > 65536) {
      this.parts.push(this.chunk);
      this.chunk = "";
    }
  }

  pad(level: number): string {
    for (let n = this.pads.length; n <= level; n++) this.pads[n] = `${this.pads[n - 1]}  `;
    return this.pads[level] as string;
  }

  text(): string {
    return this.parts.join("") + this.chunk;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
// Where a number or a keyword ends.
const isDelimiter = (c: number) =>
  isSpace(c) ||
  c === 0x2c ||
  c === 0x3a ||
  c === 0x5b ||
  c === 0x5d ||
  c === 0x7b ||
  c === 0x7d ||
  c === QUOTE;

export function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** The offset just past the string that opens at `at`. */
export function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i + 1;
  }
  return text.length;
}

/** The offset just past the value that starts at `at` (a string, a container or a literal). */
export function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first !== 0x5b && first !== 0x7b) {
    let i = at + 1;
    while (i < text.length && !isDelimiter(text.charCodeAt(i))) i++;
    return i;
  }
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = stringEnd(text, i) - 1;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if ((c === 0x5d || c === 0x7d) && --depth === 0) return i + 1;
  }
  return text.length;
}

/** The members of the object that opens at `at`: each key's text and where its value lies. */
export function objectMembers(
  text: string,
  at: number,
): Array<{ rawKey: string; start: number; end: number }> {
  const members: Array<{ rawKey: string; start: number; end: number }> = [];
  let i = skipSpace(text, at + 1);
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = stringEnd(text, i);
    const rawKey = text.slice(i, keyEnd);
    // Past the colon.
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, start);
    members.push({ rawKey, start, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === 0x2c) i = skipSpace(text, i + 1);
  }
  return members;
}

/** Lays out text[start, end), a valid JSON value, as if it stood `level` levels deep. */
export function layOut(text: string, start: number, end: number, level: number, out: Layout): void {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === QUOTE) {
      const j = stringEnd(text, i);
      out.add(text.slice(i, j));
      i = j;
    } else if (c === 0x5b || c === 0x7b) {
      const next = skipSpace(text, i + 1);
      // An empty container stays on one line, as the printer writes it.
      if (text.charCodeAt(next) === c + 2) {
        out.add(text.slice(i, i + 1) + text.slice(next, next + 1));
        i = next + 1;
      } else {
        level++;
        out.add(`${text[i]}\n${out.pad(level)}`);
        i++;
      }
    } else if (c === 0x5d || c === 0x7d) {
      level = Math.max(level - 1, 0);
      out.add(`\n${out.pad(level)}${text[i]}`);
      i++;
    } else if (c === 0x2c) {
      out.add(`,\n${out.pad(level)}`);
      i++;
    } else if (c === 0x3a) {
      out.add(": ");
      i++;
    } else {
      const j = valueEnd(text, i);
      out.add(text.slice(i, j));
      i = j;
    }
  }
}
