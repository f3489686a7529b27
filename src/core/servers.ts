// What the payload may say about configured servers: counts and fixed enums, never names or URLs.
import type { Config } from "./config-schema.ts";
import { wouldIsolate } from "./isolation.ts";
import { OAUTH_PROVIDERS, PROTOCOLS } from "./payload-values.ts";

type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];
type Protocol = (typeof PROTOCOLS)[number];

const providerDomains: Array<[OAuthProvider, string[]]> = [
  ["google", ["google.com", "googleapis.com"]],
  ["github", ["github.com"]],
  ["microsoft", ["microsoft.com", "microsoftonline.com", "live.com"]],
];

export function oauthProviderType(url: string | null | undefined): OAuthProvider {
  let host: string;
  try {
    host = new URL(url ?? "").hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return "generic";
  }
  for (const [provider, domains] of providerDomains) {
    if (domains.some((d) => host === d || host.endsWith(`.${d}`))) return provider;
  }
  return "generic";
}

export function protocolKind(protocol: string | null | undefined): Protocol {
  const p = (protocol ?? "").trim().toLowerCase();
  if (p === "stdio" || p === "http" || p === "sse") return p;
  if (p === "streamable-http" || p === "streamable_http" || p === "streamablehttp") return "streamable_http";
  return "auto";
}

export function serverFacts(config: Config) {
  const servers = (config.mcpServers ?? []).filter((s) => s !== null);
  const providers = new Set<OAuthProvider>();
  const protocols = Object.fromEntries(PROTOCOLS.map((p) => [p, 0])) as Record<Protocol, number>;
  let isolated = 0;
  for (const server of servers) {
    // `oauth: {}` counts (an object); `oauth: null` does not.
    if (server.oauth != null) providers.add(oauthProviderType(server.url));
    protocols[protocolKind(server.protocol)]++;
    if (wouldIsolate(config, server)) isolated++;
  }
  return {
    serverCount: servers.length,
    oauthProviderTypes: OAUTH_PROVIDERS.filter((p) => providers.has(p)).sort(),
    protocolCounts: protocols,
    dockerIsolatedCount: isolated,
  };
}
