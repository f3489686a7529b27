// A system error code in the user's words: the one place errno names become English.

const words: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOENT: "no such file or folder",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is used up",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file",
  EEXIST: "a part of the path is a file",
  EISDIR: "it is a folder",
  ELOOP: "too many symbolic links (a loop?)",
  ENAMETOOLONG: "the path is too long",
  EMFILE: "too many open files",
  EIO: "an input/output error (the disk or network file system failed)",
  EBUSY: "the file is busy",
};

/** `permission denied` for EACCES; for a code without words, the error's own message. */
export function errnoText(code: string, error?: unknown): string {
  return words[code] ?? (error instanceof Error ? error.message : code || "unknown error");
}
