// A JSON file of our own in the data dir (counters, ledger): validated reads, locked atomic read-modify-write,
// and a broken file moved aside for a human rather than lost or fatal. Writers load only when writing.
import * as v from "valibot";
import { CliError, ExitCode, errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";
import { dirname } from "./paths.ts";
import { readText } from "./quick-read.ts";

// The ledger keeps itself under 256 KiB and the counters are smaller: past this, node:fs reads it.
const QUICK_MAX_BYTES = 1024 * 1024;

/** The store's text, or undefined when there is no file. */
async function storeText(path: string): Promise<string | undefined> {
  try {
    return await readText(path, QUICK_MAX_BYTES);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return undefined;
    throw new CliError(
      `cannot read ${path}: ${errnoText(code, error)}`,
      ExitCode.failure,
      "check the file's owner and mode",
    );
  }
}

export interface JsonStore<T> {
  path: string;
  schema: v.GenericSchema<unknown, T>;
  empty: () => T;
}

export interface Stored<T> {
  value: T;
  /** The file exists but does not hold what the schema says: it reads as empty and is moved aside on write. */
  corrupt: boolean;
}

export async function readStore<T>(store: JsonStore<T>): Promise<Stored<T>> {
  const text = await storeText(store.path);
  if (text === undefined) return { value: store.empty(), corrupt: false };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    doc = undefined;
  }
  const result = v.safeParse(store.schema, doc);
  return result.success ? { value: result.output, corrupt: false } : { value: store.empty(), corrupt: true };
}

// Keeps the broken file for a human to look at; colons would not do in a Windows file name.
function corruptName(path: string, now: Date): string {
  const stamp = Number.isFinite(now.getTime()) ? now.toISOString().replaceAll(":", "-") : String(Date.now());
  return `${path}.corrupt-${stamp}`;
}

/** Re-reads inside the lock so other processes' changes are never lost; returns what was written. */
export async function updateStore<T>(
  store: JsonStore<T>,
  change: (value: T, corrupt: boolean) => T,
  now: Date = new Date(),
): Promise<T> {
  const [{ mkdir, rename }, { writeError, writeFileAtomic }, { withLock }] = await Promise.all([
    import("node:fs/promises"),
    import("./atomic-file.ts"),
    import("./lock.ts"),
  ]);
  try {
    await mkdir(dirname(store.path), { recursive: true, mode: 0o700 });
    return await withLock(store.path, async () => {
      const stored = await readStore(store);
      const next = change(stored.value, stored.corrupt);
      if (stored.corrupt) await rename(store.path, corruptName(store.path, now));
      await writeFileAtomic(store.path, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  } catch (error) {
    throw writeError(store.path, error);
  }
}
