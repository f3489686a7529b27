// The text of mcp_config.json: where a parse fails, and edits that keep every other key, value and order.
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { lineColumn, MAX_BYTES } from "./config-encoding.ts";
import { Layout, layOut, objectMembers, skipSpace, TooLarge, valueEnd } from "./json-layout.ts";

export { TooLarge };

const strict = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

const reasons: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a quoted key",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape",
  InvalidCharacter: "invalid character in a string",
};

export interface TextPosition {
  line: number;
  column: number;
  reason: string;
}

/** Where and why text that JSON.parse refused is not JSON (1-based line and column). */
export function locateJsonError(text: string): TextPosition {
  if (text.charCodeAt(0) === 0xfeff)
    return { line: 1, column: 1, reason: "the file starts with a byte order mark" };
  if (text.trim() === "") return { line: 1, column: 1, reason: "the file is empty" };
  const errors: ParseError[] = [];
  parse(text, errors, strict);
  const first = errors[0];
  if (!first) return { line: 1, column: 1, reason: "not valid JSON" };
  // A trailing comma shows up as a missing key or value right after it.
  const trailing = /,\s*$/.test(text.slice(0, first.offset)) && /^[}\]]/.test(text.slice(first.offset));
  const reason = trailing
    ? "trailing comma"
    : (reasons[printParseErrorCode(first.error)] ?? "not valid JSON");
  const at = trailing ? text.slice(0, first.offset).lastIndexOf(",") : first.offset;
  return { ...lineColumn(text, at), reason };
}

// An untouched value stays a span of the original text and is only laid out; only the objects on
// an edit's path are opened up. Nothing here recurses with the file's depth.
type Doc =
  | { kind: "object"; entries: Array<{ key: string; rawKey: string; value: Doc }> }
  | { kind: "array"; items: Doc[] }
  | { kind: "raw"; text: string }
  | { kind: "span"; text: string; start: number; end: number };

function fromText(text: string): Doc | undefined {
  const start = skipSpace(text, 0);
  if (start >= text.length) return undefined;
  return { kind: "span", text, start, end: valueEnd(text, start) };
}

/** A span's object with its members as spans; a null stays null; anything else stays as it is. */
function open(doc: Doc): Doc {
  if (doc.kind !== "span") return doc;
  const first = doc.text[doc.start];
  if (first === "n") return { kind: "raw", text: "null" };
  if (first !== "{") return doc;
  return {
    kind: "object",
    entries: objectMembers(doc.text, doc.start).map(({ rawKey, start, end }) => ({
      key: JSON.parse(rawKey) as string,
      rawKey,
      value: { kind: "span", text: doc.text, start, end },
    })),
  };
}

function fromValue(value: unknown): Doc {
  if (Array.isArray(value)) return { kind: "array", items: value.map(fromValue) };
  if (value !== null && typeof value === "object") {
    return {
      kind: "object",
      entries: Object.entries(value).map(([key, v]) => ({
        key,
        rawKey: JSON.stringify(key),
        value: fromValue(v),
      })),
    };
  }
  return { kind: "raw", text: JSON.stringify(value) };
}

/** Sets (or with `undefined`, removes) the value at `path`, creating objects on the way. */
function setPath(found: Doc, path: string[], value: unknown): Doc {
  const [head, ...rest] = path;
  if (head === undefined) return fromValue(value);
  const doc = open(found);
  // null means "default" and may become an object; anything else would be lost, so refuse.
  if (doc.kind !== "object" && !(doc.kind === "raw" && doc.text === "null")) {
    throw new Error(`cannot set "${head}" inside a value that is not an object`);
  }
  const target: Doc = doc.kind === "object" ? doc : { kind: "object", entries: [] };
  // JSON.parse keeps the last of duplicate keys, so that is the one we change.
  const index = target.entries.findLastIndex((e) => e.key === head);
  const existing = index >= 0 ? target.entries[index] : undefined;
  if (value === undefined && rest.length === 0) {
    if (index >= 0) target.entries.splice(index, 1);
    return target;
  }
  const child = setPath(existing?.value ?? { kind: "object", entries: [] }, rest, value);
  if (existing) existing.value = child;
  else target.entries.push({ key: head, rawKey: JSON.stringify(head), value: child });
  return target;
}

/** Prints 2-space indented: the opened objects with a stack of their own, spans laid out as they are. */
function print(root: Doc, out: Layout): void {
  type Item = Doc | { rawKey: string; value: Doc };
  const stack: Array<{ items: Item[]; next: number; level: number; close: string }> = [];
  const put = (doc: Doc, level: number) => {
    if (doc.kind === "span") return layOut(doc.text, doc.start, doc.end, level, out);
    if (doc.kind === "raw") return out.add(doc.text);
    const items: Item[] = doc.kind === "array" ? doc.items : doc.entries;
    const [first, last] = doc.kind === "array" ? ["[", "]"] : ["{", "}"];
    if (items.length === 0) return out.add(first + last);
    out.add(`${first}\n`);
    stack.push({ items, next: 0, level, close: last });
  };
  put(root, 0);
  for (let top = stack[0]; top; top = stack[stack.length - 1]) {
    const item = top.items[top.next++];
    if (!item) {
      out.add(`\n${out.pad(top.level)}${top.close}`);
      stack.pop();
      continue;
    }
    out.add(top.next === 1 ? out.pad(top.level + 1) : `,\n${out.pad(top.level + 1)}`);
    if ("rawKey" in item) out.add(`${item.rawKey}: `);
    put("rawKey" in item ? item.value : item, top.level + 1);
  }
}

export type Edit = { path: string[]; value: unknown };

/**
 * Applies edits to valid JSON text and prints it 2-space indented with a trailing newline.
 * Untouched keys keep their order and their literal text (numbers are never re-rounded).
 * Throws TooLarge when the result would be over `maxBytes`.
 */
export function editJsonText(text: string, edits: Edit[], maxBytes = MAX_BYTES): string {
  let doc: Doc = fromText(text) ?? { kind: "object", entries: [] };
  for (const edit of edits) doc = setPath(doc, edit.path, edit.value);
  // Counted in UTF-16 units while printing (a cheap lower bound), then exactly in UTF-8 bytes.
  const out = new Layout(maxBytes);
  print(doc, out);
  out.add("\n");
  const printed = out.text();
  if (new TextEncoder().encode(printed).length > maxBytes) throw new TooLarge();
  return printed;
}
