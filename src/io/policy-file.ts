// Reads the system policy file: a small regular file, read with a bound; never waits, never writes.
import type { Env } from "../core/env.ts";
import { type Policy, parsePolicy, policyPath } from "../core/policy.ts";
import { errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";
import { dirname } from "./paths.ts";
import { holdsNoBytes, quickRead } from "./quick-read.ts";

const MAX_POLICY_BYTES = 64 * 1024;

function decodePolicy(path: string, bytes: Uint8Array): Policy {
  try {
    return parsePolicy(path, new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { state: "invalid", path, problem: "it is not UTF-8 text" };
  }
}

/** The policy at `path`; a missing file is no policy, any other trouble an invalid one (which means off). */
async function readPolicy(path: string): Promise<Policy> {
  const quick = await quickRead(path, MAX_POLICY_BYTES);
  if (quick === "absent") return { state: "absent", path };
  return quick ? decodePolicy(path, quick) : readPolicyCarefully(path);
}

async function readPolicyCarefully(path: string): Promise<Policy> {
  const { closeSync, constants, fstatSync, openSync, readSync } = await import("node:fs");
  const invalid = (problem: string): Policy => ({ state: "invalid", path, problem });
  let fd: number;
  try {
    // Non-blocking: a FIFO at the policy's path must not hang every command on the machine.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { state: "absent", path };
    return invalid(`it cannot be read: ${errnoText(code, error)}`);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return invalid("it is not a regular file");
    if (info.size > MAX_POLICY_BYTES) return invalid("it is larger than 64 KiB");
    const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
    const bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_POLICY_BYTES) return invalid("it is larger than 64 KiB");
    return decodePolicy(path, buffer.subarray(0, bytesRead));
  } catch (error) {
    return invalid(`it cannot be read: ${errnoText(errnoOf(error), error)}`);
  } finally {
    closeSync(fd);
  }
}

/** The policy that applies here. A path the runtime cannot name faithfully is not trusted to be absent: off. */
export async function readMachinePolicy(env: Env, platform: string): Promise<Policy> {
  const path = policyPath(env, platform);
  if (path.includes("\uFFFD")) return { state: "invalid", path, problem: "its path is not UTF-8" };
  // Most machines have no policy folder. The default one sits in /etc (or %ProgramData%), which every user can
  // search, so a folder that holds no bytes holds no policy: no read, no wait for Bun's I/O threads.
  if (!env.MCPPROXY_POLICY_FILE?.trim() && holdsNoBytes(dirname(path))) return { state: "absent", path };
  return readPolicy(path);
}
