// A valid release heartbeat body for collector tests, built by the real payload builder.
import { buildPayload, payloadBody } from "../../src/core/payload.ts";
import type { Payload } from "../../src/core/payload-schema.ts";
import { payloadInputs } from "./payload-inputs.ts";

export function releasePayload(id: string, overrides: Partial<Payload> = {}): Payload {
  const payload = buildPayload(
    payloadInputs(
      {},
      {
        identity: { id, createdAt: "2026-01-02T03:04:05Z" },
        version: "v0.1.0",
        now: new Date("2026-03-04T05:06:07Z"),
        docker: { available: true, source: "path" },
      },
    ),
  );
  return { ...payload, ...overrides };
}

export const releaseBody = (id: string, overrides: Partial<Payload> = {}) =>
  payloadBody(releasePayload(id, overrides));

/** The n-th test install id: a valid v4 UUID. */
export const installId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
