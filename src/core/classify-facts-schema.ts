// The schema of the classifier's facts, as the daemon's API and the JSON Schema check them.
import * as v from "valibot";
import { ERRNOS, TRANSPORTS } from "./classify-facts.ts";

export const ClassifyFactsSchema = v.strictObject({
  transport: v.optional(v.picklist(TRANSPORTS)),
  dockerIsolated: v.optional(v.boolean()),
  errno: v.optional(v.picklist(ERRNOS)),
  spawnPath: v.optional(v.string()),
  exitCode: v.optional(v.number()),
  timedOut: v.optional(v.boolean()),
  // Any number: rule 4 ignores one that is not a whole number rather than refusing the request.
  httpStatus: v.optional(v.number()),
});
export type ClassifyFacts = v.InferOutput<typeof ClassifyFactsSchema>;
