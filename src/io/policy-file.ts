// Reads the system policy file: a small regular file, read with a bound; never waits, never writes.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { Env } from "../core/env.ts";
import { type Policy, parsePolicy, policyPath } from "../core/policy.ts";
import { errnoOf } from "../errors.ts";
import { errnoText } from "./errno-text.ts";

const MAX_POLICY_BYTES = 64 * 1024;

/**
 * The policy at `path`; a missing file is no policy, any other trouble an invalid one (which means off).
 * Synchronous: it is one small file that every command's context needs before anything else.
 */
export function readPolicy(path: string): Policy {
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
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, bytesRead));
    } catch {
      return invalid("it is not UTF-8 text");
    }
    return parsePolicy(path, text);
  } catch (error) {
    return invalid(`it cannot be read: ${errnoText(errnoOf(error), error)}`);
  } finally {
    closeSync(fd);
  }
}

/** The policy that applies here. A path the runtime cannot name faithfully is not trusted to be absent: off. */
export function readMachinePolicy(env: Env, platform: string): Policy {
  const path = policyPath(env, platform);
  if (path.includes("\uFFFD")) return { state: "invalid", path, problem: "its path is not UTF-8" };
  return readPolicy(path);
}
