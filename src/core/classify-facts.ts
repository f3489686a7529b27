// The facts the classifier takes beside the text: their names, allowed values and schema (no classifier loaded).
import * as v from "valibot";

export const TRANSPORTS = ["stdio", "http", "sse", "streamable-http", "docker"] as const;
export const ERRNOS = [
  "ENOENT",
  "EACCES",
  "ENOEXEC",
  "ECONNREFUSED",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ETIMEDOUT",
] as const;
export type Transport = (typeof TRANSPORTS)[number];
export type Errno = (typeof ERRNOS)[number];

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
