// The facts the classifier takes beside the text: their names and allowed values (no classifier, no valibot:
// completion offers them). Their schema is in classify-facts-schema.ts.

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

export type { ClassifyFacts } from "./classify-facts-schema.ts";
