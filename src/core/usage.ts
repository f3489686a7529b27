// The counted usage a payload carries: fixed keys and numbers only. The counter store fills it.
import type { DiagnosticCode } from "./codes.ts";
import { type CALL_BUCKETS, type Payload, SURFACES } from "./payload-schema.ts";

export interface Usage {
  surface_requests: Payload["surface_requests"];
  builtin_tool_calls: Payload["builtin_tool_calls"];
  upstream_tool_calls: number;
  rest_endpoint_calls: Payload["rest_endpoint_calls"];
  error_category_counts: Payload["error_category_counts"];
  doctor_checks: Payload["doctor_checks"];
  error_code_counts_24h: Partial<Record<DiagnosticCode, number>>;
}

export function emptyUsage(): Usage {
  return {
    surface_requests: Object.fromEntries(SURFACES.map((s) => [s, 0])) as Usage["surface_requests"],
    builtin_tool_calls: {},
    upstream_tool_calls: 0,
    rest_endpoint_calls: {},
    error_category_counts: {},
    doctor_checks: {},
    error_code_counts_24h: {},
  };
}

export function callCountBucket(calls: number): (typeof CALL_BUCKETS)[number] {
  if (calls <= 0) return "0";
  if (calls <= 10) return "1-10";
  if (calls <= 100) return "11-100";
  if (calls <= 1000) return "101-1000";
  return "1000+";
}
