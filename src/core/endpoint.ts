// Where heartbeats go: the default collector and the configured override.
import type { Config } from "./config-schema.ts";

export const DEFAULT_ENDPOINT = "https://telemetry.mcpproxy.app/v1";

export function endpointOf(config: Config): string {
  const endpoint = config.telemetry?.endpoint?.trim();
  return endpoint ? endpoint : DEFAULT_ENDPOINT;
}
