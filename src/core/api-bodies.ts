// The daemon API's request bodies: valibot schemas, and a refusal that names the field (`events.3.tool`).
import * as v from "valibot";
import { ClassifyFactsSchema } from "./classify-facts-schema.ts";
import type { CounterEvent } from "./counters.ts";

export const MAX_BODY_BYTES = 64 * 1024;
// 64 KiB of the smallest event (`{"kind":"error_category","category":""}`) is ~1,600; more is not one batch.
const MAX_EVENTS = 10_000;
const count = v.pipe(v.number(), v.safeInteger(), v.minValue(0));

/** The events other components may send; surface and route counts are the daemon's own, never sent in. */
const EVENT_SCHEMAS = {
  builtin_tool_call: v.object({ kind: v.literal("builtin_tool_call"), tool: v.string() }),
  upstream_tool_calls: v.object({ kind: v.literal("upstream_tool_calls"), count }),
  error_category: v.object({ kind: v.literal("error_category"), category: v.string() }),
  doctor_check: v.object({ kind: v.literal("doctor_check"), name: v.string(), passed: v.boolean() }),
  diagnostic_code: v.object({ kind: v.literal("diagnostic_code"), code: v.string() }),
};
type EventKind = keyof typeof EVENT_SCHEMAS;

export const EventsBodySchema = v.strictObject({
  events: v.pipe(v.array(v.looseObject({ kind: v.string() })), v.maxLength(MAX_EVENTS)),
});

export const ClassifyBodySchema = v.strictObject({
  text: v.pipe(v.string(), v.nonEmpty()),
  facts: v.optional(ClassifyFactsSchema),
  /** Count the code in the 24-hour diagnostics window (as `diagnose --record`). */
  record: v.optional(v.boolean()),
});
export type ClassifyBody = v.InferOutput<typeof ClassifyBodySchema>;

export interface BodyError {
  ok: false;
  error: string;
  /** The key path of the first problem, `events.3.tool`; "" for the body as a whole. */
  field: string;
}

function refusal(issues: readonly v.BaseIssue<unknown>[], prefix: (string | number)[] = []): BodyError {
  const issue = issues[0] as v.BaseIssue<unknown>;
  const path = [...prefix, ...(issue.path ?? []).map((p) => p.key as string | number)];
  return { ok: false, error: issue.message, field: path.join(".") };
}

/** The parsed JSON text, or the reason it is not JSON. */
export function parseJsonBody(text: string): { ok: true; doc: unknown } | BodyError {
  try {
    return { ok: true, doc: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `invalid JSON: ${(error as Error).message}`, field: "" };
  }
}

export function parseBody<S extends v.GenericSchema>(
  schema: S,
  doc: unknown,
): { ok: true; value: v.InferOutput<S> } | BodyError {
  // Every body is an object; valibot's object schemas would take an array for one.
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { ok: false, error: "the body must be a JSON object", field: "" };
  }
  const result = v.safeParse(schema, doc);
  return result.success ? { ok: true, value: result.output } : refusal(result.issues);
}

/**
 * The batch's events of the kinds we know, each checked against its kind's shape; events of other kinds
 * are left out (a newer component may send more), and names the counters do not know are dropped later.
 */
export function parseEventsBody(
  doc: unknown,
): { ok: true; events: CounterEvent[]; skipped: number } | BodyError {
  const body = parseBody(EventsBodySchema, doc);
  if (!body.ok) return body;
  const events: CounterEvent[] = [];
  let skipped = 0;
  for (const [index, raw] of body.value.events.entries()) {
    const schema = Object.hasOwn(EVENT_SCHEMAS, raw.kind) ? EVENT_SCHEMAS[raw.kind as EventKind] : undefined;
    if (!schema) {
      skipped++;
      continue;
    }
    const event = v.safeParse(schema, raw);
    if (!event.success) return refusal(event.issues, ["events", index]);
    events.push(event.output as CounterEvent);
  }
  return { ok: true, events, skipped };
}
