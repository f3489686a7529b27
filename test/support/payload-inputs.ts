// Payload inputs for tests: a config document plus fixed identity, platform and clock.
import { validateConfig } from "../../src/core/config-schema.ts";
import type { PayloadInputs } from "../../src/core/payload.ts";
import { emptyUsage } from "../../src/core/usage.ts";

export const TEST_ID = "0b0e2c1a-4a53-4b8e-9d57-1f5d6a8c3e21";

export function payloadInputs(doc: unknown, extra: Partial<PayloadInputs> = {}): PayloadInputs {
  const result = validateConfig(doc);
  if (!result.ok) throw new Error(result.problem);
  return {
    config: result.config,
    identity: { id: TEST_ID, createdAt: "2026-01-01T00:00:00Z" },
    version: "v1.2.3",
    os: "linux",
    arch: "amd64",
    runtimeVersion: "bun 1.4.5",
    now: new Date("2026-11-24T10:20:30.456Z"),
    uptimeHours: 0,
    docker: { available: false, source: "absent" },
    markers: {
      has_ci_env: false,
      has_cloud_ide_env: false,
      is_container: false,
      has_tty: true,
      has_display: false,
    },
    platform: "linux",
    launchSource: "cli",
    usage: emptyUsage(),
    ...extra,
  };
}
