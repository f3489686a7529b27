// `diagnose` for one message through a running daemon (POST /api/v1/diagnostics/classify), which also records it.
import * as v from "valibot";
import type { Context } from "../../context.ts";
import { ClassifyBodySchema, MAX_BODY_BYTES } from "../../core/api-bodies.ts";
import { type CatalogEntry, CatalogEntrySchema } from "../../core/catalog-schema.ts";
import type { ClassifyFacts } from "../../core/classify-facts.ts";
import { decideForConfig, whyOff } from "../../core/optout.ts";
import type { LoadedConfig } from "../../io/config-store.ts";
import { askDaemon } from "../../io/daemon-client.ts";
import { daemonFor } from "../find-daemon.ts";

const AnswerSchema = v.object({ ...CatalogEntrySchema.entries, recorded: v.optional(v.boolean()) });

export interface Asked {
  entry: CatalogEntry;
  /** What --record did, for stderr. */
  notice?: string;
}

/** The daemon's answer, or null: no daemon, a message too big for its 64 KiB body, or no usable answer. */
export async function classifyWithDaemon(
  ctx: Context,
  input: { text: string; facts: ClassifyFacts; record: boolean },
  loaded: LoadedConfig | undefined,
): Promise<Asked | null> {
  // This terminal's opt-out decides whether to record; the daemon's own decides too.
  const decision = loaded ? decideForConfig(ctx, loaded.config) : undefined;
  const record = input.record && !!decision?.enabled;
  const body = {
    text: input.text,
    ...(Object.keys(input.facts).length ? { facts: input.facts } : {}),
    record,
  };
  const daemon = await daemonFor(ctx, loaded?.config);
  if (!daemon) return null;
  if (!v.is(ClassifyBodySchema, body) || JSON.stringify(body).length > MAX_BODY_BYTES - 1024) return null;
  let answer: { status: number; text: string };
  try {
    answer = await askDaemon(daemon, "POST", "/api/v1/diagnostics/classify", { body, timeoutMs: 30_000 });
  } catch {
    return null;
  }
  const doc = (() => {
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      return null;
    }
  })();
  // Checked, not re-built: the entry keeps the daemon's key order, the same as this command's own.
  if (answer.status !== 200 || !v.is(AnswerSchema, doc)) return null;
  const { recorded, ...entry } = doc;
  if (!input.record) return { entry };
  if (!record && decision)
    return { entry, notice: `mcpproxy: nothing recorded: telemetry is off (${whyOff(decision)})` };
  return {
    entry,
    notice: recorded
      ? `mcpproxy: added ${entry.code} to the 24-hour diagnostics counts`
      : "mcpproxy: nothing recorded: telemetry is off for the daemon (its environment)",
  };
}
