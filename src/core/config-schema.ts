// The keys of mcp_config.json this product reads. Everything else passes through untouched.
import * as v from "valibot";

// The Go edition reads JSON null as "default" for every field, so null is legal everywhere.
const bool = v.nullish(v.boolean());
const str = v.nullish(v.string());
// valibot's looseObject takes arrays too; the Go edition does not, and a write would lose them.
const object = <T extends v.ObjectEntries>(entries: T) =>
  v.pipe(
    v.unknown(),
    v.check((value) => !Array.isArray(value), "list"),
    v.looseObject(entries),
  );
const block = <T extends v.ObjectEntries>(entries: T) => v.nullish(object(entries));

export const ServerSchema = object({
  name: str,
  protocol: str,
  command: str,
  url: str,
  enabled: bool,
  quarantined: bool,
  oauth: block({}),
  isolation: block({ enabled: bool }),
});

export const ConfigSchema = v.looseObject({
  telemetry: block({
    enabled: bool,
    endpoint: str,
    anonymous_id: str,
    anonymous_id_created_at: str,
    last_reported_version: str,
    last_startup_outcome: str,
    notice_shown: bool,
  }),
  // Go reads the list as []*ServerConfig, so a null entry is legal (and skipped).
  mcpServers: v.nullish(v.array(v.nullable(ServerSchema))),
  docker_isolation: block({ enabled: bool }),
  enable_socket: bool,
  enable_prompts: bool,
  require_mcp_auth: bool,
  enable_code_execution: bool,
  quarantine_enabled: bool,
  sensitive_data_detection: block({ enabled: bool }),
  features: block({ enable_web_ui: bool }),
  routing_mode: str,
  listen: str,
  api_key: str,
});

export type Config = v.InferOutput<typeof ConfigSchema>;
export type Server = v.InferOutput<typeof ServerSchema>;

const kinds: Record<string, string> = {
  boolean: "a boolean",
  string: "a string",
  Array: "a list",
  Object: "an object",
};

function describeFound(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function keyPath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    path += typeof item.key === "number" ? `[${item.key}]` : `${path ? "." : ""}${String(item.key)}`;
  }
  return path;
}

/** The config, or the first problem in the user's words: `telemetry.enabled must be a boolean, got "yes"`. */
export function validateConfig(doc: unknown): { ok: true; config: Config } | { ok: false; problem: string } {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { ok: false, problem: `the file must hold a JSON object, got ${describeFound(doc)}` };
  }
  const result = v.safeParse(ConfigSchema, doc);
  if (result.success) return { ok: true, config: result.output };
  const issue = result.issues[0];
  if (issue.type === "check")
    return { ok: false, problem: `${keyPath(issue)} must be an object, got a list` };
  const expected = (issue.expected ?? "")
    .replace(/^\(|\)$/g, "")
    .split(" | ")
    .find((e) => e in kinds);
  return {
    ok: false,
    problem: `${keyPath(issue)} must be ${kinds[expected ?? ""] ?? issue.expected}, got ${describeFound(issue.input)}`,
  };
}
