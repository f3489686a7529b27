// The daemon's API key: where a request carries it, and a comparison whose time does not depend on the key.

/** `X-API-Key: K` or `Authorization: Bearer K` (scheme in any case); null when neither carries one. */
export function keyFromHeaders(apiKey: string | null, authorization: string | null): string | null {
  if (apiKey) return apiKey;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? "");
  return m ? (m[1] as string) : null;
}

const encoder = new TextEncoder();

/** Every byte of the expected key is looked at whatever was given, so timing says nothing of the key. */
export function keysMatch(given: string | null, expected: string): boolean {
  if (expected === "") return false;
  const a = encoder.encode(given ?? "");
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % (a.length || 1)] ?? 0) ^ (b[i] as number);
  return diff === 0;
}

/** A new key: 32 random bytes as 64 hex characters. `random` fills the bytes (crypto.getRandomValues). */
export function newApiKey(random: (bytes: Uint8Array) => Uint8Array): string {
  return Array.from(random(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("");
}
