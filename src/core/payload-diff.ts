// How the next heartbeat differs from the last one sent: added, removed and changed fields; numbers as deltas.

export interface PayloadDiff {
  added: Array<{ path: string; value: unknown }>;
  removed: Array<{ path: string; value: unknown }>;
  changed: Array<{ path: string; from: unknown; to: unknown; delta?: number }>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Leaf paths (`feature_flags.enable_socket`); arrays are leaves, compared whole. */
function leaves(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

export function diffPayloads(previous: unknown, next: unknown): PayloadDiff {
  const before = leaves(previous, "", new Map());
  const after = leaves(next, "", new Map());
  const diff: PayloadDiff = { added: [], removed: [], changed: [] };
  for (const [path, value] of after) {
    if (!before.has(path)) diff.added.push({ path, value });
    else {
      const from = before.get(path);
      if (JSON.stringify(from) === JSON.stringify(value)) continue;
      const delta = typeof from === "number" && typeof value === "number" ? value - from : undefined;
      diff.changed.push({ path, from, to: value, ...(delta === undefined ? {} : { delta }) });
    }
  }
  for (const [path, value] of before) if (!after.has(path)) diff.removed.push({ path, value });
  return diff;
}
