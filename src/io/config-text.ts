// The text of mcp_config.json: where a parse fails, and edits that keep every other key, value and order.
import { type Node, type ParseError, parse, parseTree, printParseErrorCode } from "jsonc-parser";

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

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
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
  return { ...positionOf(text, at), reason };
}

type Doc =
  | { kind: "object"; entries: Array<{ key: string; rawKey: string; value: Doc }> }
  | { kind: "array"; items: Doc[] }
  | { kind: "raw"; text: string };

function fromNode(node: Node, text: string): Doc {
  if (node.type === "object") {
    return {
      kind: "object",
      entries: (node.children ?? []).map((property) => {
        const [keyNode, valueNode] = property.children as [Node, Node];
        return { key: keyNode.value as string, rawKey: raw(keyNode, text), value: fromNode(valueNode, text) };
      }),
    };
  }
  if (node.type === "array")
    return { kind: "array", items: (node.children ?? []).map((n) => fromNode(n, text)) };
  return { kind: "raw", text: raw(node, text) };
}

const raw = (node: Node, text: string) => text.slice(node.offset, node.offset + node.length);

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
function setPath(doc: Doc, path: string[], value: unknown): Doc {
  const [head, ...rest] = path;
  if (head === undefined) return fromValue(value);
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

function print(doc: Doc, indent: string): string {
  const inner = `${indent}  `;
  if (doc.kind === "raw") return doc.text;
  if (doc.kind === "array") {
    if (doc.items.length === 0) return "[]";
    return `[\n${doc.items.map((d) => inner + print(d, inner)).join(",\n")}\n${indent}]`;
  }
  if (doc.entries.length === 0) return "{}";
  const lines = doc.entries.map((e) => `${inner}${e.rawKey}: ${print(e.value, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

export type Edit = { path: string[]; value: unknown };

/**
 * Applies edits to valid JSON text and prints it 2-space indented with a trailing newline.
 * Untouched keys keep their order and their literal text (numbers are never re-rounded).
 */
export function editJsonText(text: string, edits: Edit[]): string {
  const root = text.trim() === "" ? undefined : parseTree(text, [], strict);
  let doc: Doc = root ? fromNode(root, text) : { kind: "object", entries: [] };
  for (const edit of edits) doc = setPath(doc, edit.path, edit.value);
  return `${print(doc, "")}\n`;
}
