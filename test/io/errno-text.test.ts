import { describe, expect, test } from "bun:test";
import { errnoText } from "../../src/io/errno-text.ts";

describe("errnoText", () => {
  test.each([
    ["EACCES", undefined, "permission denied"],
    ["EPERM", undefined, "permission denied"],
    ["ENOSPC", undefined, "the disk is full"],
    ["EROFS", undefined, "the file system is read-only"],
    ["ENOTDIR", undefined, "a part of the path is a file"],
    ["ELOOP", undefined, "too many symbolic links (a loop?)"],
    ["ENAMETOOLONG", undefined, "the path is too long"],
    ["EWHATEVER", new Error("raw text"), "raw text"],
    ["EWHATEVER", undefined, "EWHATEVER"],
    ["", undefined, "unknown error"],
  ])("%s → %s", (code, error, expected) => {
    expect(errnoText(code, error)).toBe(expected);
  });
});
