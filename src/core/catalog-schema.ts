// The shape of a catalog entry, as the daemon's answers are checked against it; apart from the catalog's data so
// that printing an entry (`diagnostics codes`) never loads valibot.
import * as v from "valibot";
import { DIAGNOSTIC_CODES } from "./codes.ts";

export const FixStepSchema = v.strictObject({
  type: v.picklist(["link", "command", "button"]),
  label: v.pipe(v.string(), v.nonEmpty()),
  command: v.optional(v.pipe(v.string(), v.nonEmpty())),
  url: v.optional(v.pipe(v.string(), v.url())),
  fixer_key: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]*$/))),
  destructive: v.optional(v.boolean()),
});
export type FixStep = v.InferOutput<typeof FixStepSchema>;

export const CatalogEntrySchema = v.strictObject({
  code: v.picklist(DIAGNOSTIC_CODES),
  severity: v.picklist(["info", "warn", "error"]),
  user_message: v.pipe(v.string(), v.nonEmpty()),
  fix_steps: v.pipe(v.array(FixStepSchema), v.minLength(1)),
  docs_url: v.pipe(v.string(), v.regex(/^https:\/\/docs\.mcpproxy\.app\/errors\/MCPX_[A-Z0-9_]+$/)),
});
export type CatalogEntry = v.InferOutput<typeof CatalogEntrySchema>;
