// What the config says about one server, as facts for the classifier: would Docker wrap it, and its transport.
import type { ClassifyFacts, Transport } from "./classify-facts.ts";
import type { Config, Server } from "./config-schema.ts";
import { wouldIsolate } from "./isolation.ts";
import type { PROTOCOLS } from "./payload-values.ts";
import { protocolKind } from "./servers.ts";

// `auto` has no transport: the proxy picks one at run time, so the classifier is told nothing.
const TRANSPORT_OF: Record<(typeof PROTOCOLS)[number], Transport | undefined> = {
  stdio: "stdio",
  http: "http",
  sse: "sse",
  streamable_http: "streamable-http",
  auto: undefined,
};

export function findServer(config: Config, name: string): Server | undefined {
  return (config.mcpServers ?? []).find((s) => s?.name === name) ?? undefined;
}

export function serverClassifyFacts(config: Config, server: Server): ClassifyFacts {
  const transport = TRANSPORT_OF[protocolKind(server.protocol)];
  return { dockerIsolated: wouldIsolate(config, server), ...(transport ? { transport } : {}) };
}
