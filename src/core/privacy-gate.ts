// The privacy gate: scans the exact heartbeat text for paths, this machine's names and tokens, and checks its shape.
import * as v from "valibot";
import type { Env } from "./env.ts";
import { PayloadSchema } from "./payload-schema.ts";

export const TOKEN_VARS = [
  "GITHUB_TOKEN",
  "GITLAB_TOKEN",
  "OPENAI_API_KEY",
  "ANTHROPIC_API_KEY",
  "GOOGLE_API_KEY",
] as const;
export type TokenVar = (typeof TOKEN_VARS)[number];

/** Spelled as they appear inside JSON text, where a backslash is doubled. */
export const PATH_PREFIXES = ["/Users/", "/home/", "C:\\\\Users\\\\", "/var/folders/"] as const;

export interface PrivacySecrets {
  hostName: string;
  homeBase: string;
  tokens: readonly { name: TokenVar; value: string }[];
}

export type PrivacyRule = "path_prefix" | "host_name" | "home_folder" | `token:${TokenVar}` | "shape";

/** What blocked a send: the rule and what matched, never a token's value (its variable names it). */
export interface PrivacyBlock {
  rule: PrivacyRule;
  pattern: string;
}

const MIN_SECRET = 3;
/** A secret this long blocks wherever it occurs in a string; a shorter one only as a whole word. */
const ANYWHERE_FROM = 8;

/** The last part of a home folder, whichever separator the platform uses. */
export function homeBaseOf(home: string): string {
  return (
    home
      .split(/[\\/]+/)
      .filter(Boolean)
      .pop() ?? ""
  );
}

/** The values to look for, from the environment and the machine; the caller reads the process. */
export function privacySecrets(env: Env, hostName: string, home: string): PrivacySecrets {
  const tokens = TOKEN_VARS.flatMap((name) => {
    const value = env[name] ?? "";
    return value.length >= MIN_SECRET ? [{ name, value }] : [];
  });
  return { hostName, homeBase: homeBaseOf(home), tokens };
}

// Go-style GOOS/GOARCH names (and Node's, before mapping) that `os` and `arch` may legitimately hold.
const PLATFORM_WORDS = [
  ...["linux", "darwin", "windows", "freebsd", "openbsd", "netbsd", "dragonfly", "solaris", "illumos"],
  ...["aix", "android", "ios", "plan9", "js", "wasip1", "win32", "sunos", "cygwin"],
  ...["amd64", "arm64", "386", "arm", "ppc64", "ppc64le", "s390x", "riscv64", "loong64", "mips", "mipsle"],
  ...["mips64", "mips64le", "wasm", "x64", "ia32", "ppc", "s390", "mipsel"],
];

/** Every key, enum value and literal the schema allows: words the payload carries whatever the machine. */
// Indexed loops and each shared node once: it runs in the interpreter at every start (−0.7 M instructions).
function schemaWords(schema: unknown, into: Set<string>, seen = new Set<unknown>()): Set<string> {
  if (seen.has(schema)) return into;
  seen.add(schema);
  const s = schema as {
    type?: string;
    entries?: Record<string, unknown>;
    wrapped?: unknown;
    item?: unknown;
    value?: unknown;
    options?: unknown[];
    literal?: unknown;
  };
  const { entries, options } = s;
  if (entries) {
    const keys = Object.keys(entries);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      into.add(key);
      schemaWords(entries[key], into, seen);
    }
  }
  if (options && s.type === "picklist") for (let i = 0; i < options.length; i++) into.add(String(options[i]));
  if (options && s.type === "union")
    for (let i = 0; i < options.length; i++) schemaWords(options[i], into, seen);
  if (s.type === "literal" && typeof s.literal === "string") into.add(s.literal);
  if (s.wrapped) schemaWords(s.wrapped, into, seen);
  if (s.item) schemaWords(s.item, into, seen);
  if (s.value) schemaWords(s.value, into, seen);
  return into;
}

const VOCABULARY = schemaWords(PayloadSchema, new Set(["dev", ...PLATFORM_WORDS]));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const JSON_STRING = /"((?:[^"\\]|\\.)*)"/g;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/** A value as it appears inside a JSON string (`"` and `\` escaped), lower-cased: strings are compared as text. */
const jsonForm = (value: string) => JSON.stringify(value).slice(1, -1).toLowerCase();

function occursIn(text: string, needle: string): boolean {
  if (needle.length >= ANYWHERE_FROM) return text.includes(needle);
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    const before = text[at - 1] ?? "";
    const after = text[at + needle.length] ?? "";
    if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
  }
  return false;
}

/**
 * Whether a run-time value shows in the body. Schema words (keys, enum values), UUIDs and timestamps are
 * skipped, so a host called "linux" or "server" still sends; elsewhere a short value must be a whole word.
 */
function showsIn(strings: readonly string[], value: string): boolean {
  if (value.length < MIN_SECRET) return false;
  const needle = jsonForm(value);
  return strings.some((text) => {
    if (VOCABULARY.has(text)) return false;
    const lower = text.toLowerCase();
    if (UUID.test(text) || TIMESTAMP.test(text)) return lower === needle;
    return occursIn(lower, needle);
  });
}

/** A schema issue as a key path and what was expected; a key the schema does not know shows as `*`. */
function shapePattern(issue: v.BaseIssue<unknown>): string {
  const path = (issue.path ?? [])
    .map((item) => {
      const key = item.key;
      if (typeof key === "number") return String(key);
      return typeof key === "string" && VOCABULARY.has(key) ? key : "*";
    })
    .join(".");
  const unknownKey = issue.type === "strict_object" && issue.expected === "never";
  return `${path || "(root)"}: ${unknownKey ? "unknown key" : `expected ${issue.expected}`}`;
}

function shapeProblem(bodyText: string, payload: unknown): string {
  let sent: unknown;
  try {
    sent = JSON.parse(bodyText);
  } catch {
    return "(root): the body is not JSON";
  }
  // The gate must judge the bytes that leave, not a different object beside them.
  if (JSON.stringify(sent) !== JSON.stringify(payload)) return "(root): the body differs from the payload";
  const result = v.safeParse(PayloadSchema, payload);
  return result.success ? "" : shapePattern(result.issues[0]);
}

/** The first rule the body breaks, in the spec's order, or null when it may be sent. */
export function checkPrivacy(
  bodyText: string,
  payload: unknown,
  secrets: PrivacySecrets,
): PrivacyBlock | null {
  const lower = bodyText.toLowerCase();
  for (const prefix of PATH_PREFIXES) {
    if (lower.includes(prefix.toLowerCase())) return { rule: "path_prefix", pattern: prefix };
  }
  const strings = [...bodyText.matchAll(JSON_STRING)].map((m) => m[1] ?? "");
  const host = secrets.hostName;
  // A fully qualified name leaks its first label too ("alice-laptop" of "alice-laptop.example.com").
  for (const name of new Set([host, host.split(".")[0] ?? ""])) {
    if (showsIn(strings, name)) return { rule: "host_name", pattern: name };
  }
  if (showsIn(strings, secrets.homeBase)) return { rule: "home_folder", pattern: secrets.homeBase };
  for (const token of secrets.tokens) {
    if (showsIn(strings, token.value)) return { rule: `token:${token.name}`, pattern: token.name };
  }
  const problem = shapeProblem(bodyText, payload);
  return problem ? { rule: "shape", pattern: problem } : null;
}
