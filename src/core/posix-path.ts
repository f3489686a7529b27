// POSIX join, resolve and dirname as node:path's posix half computes them (held to it by a property test).

/** The segments of `path` with `.` and `..` folded and empty ones dropped; `..` past the start kept when `aboveRoot`. */
function fold(path: string, aboveRoot: boolean): string {
  const parts = path.split("/");
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === "" || part === ".") continue;
    if (part !== "..") kept.push(part);
    else if (kept.length > 0 && kept[kept.length - 1] !== "..") kept.pop();
    else if (aboveRoot) kept.push("..");
  }
  return kept.join("/");
}

/** `normalize`: a trailing slash stays, an empty result is `.` (or `/`). */
export function normalizePosix(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  const folded = fold(path, !absolute);
  if (folded === "") return absolute ? "/" : trailing ? "./" : ".";
  return `${absolute ? "/" : ""}${folded}${trailing ? "/" : ""}`;
}

export function joinPosix(...parts: string[]): string {
  const joined = parts.filter((part) => part !== "").join("/");
  return joined === "" ? "." : normalizePosix(joined);
}

/** `resolve`: right to left until a part is absolute; the working folder is asked for only when none is. */
export function resolvePosix(cwd: () => string, ...parts: string[]): string {
  let resolved = "";
  for (let i = parts.length - 1; i >= -1 && !resolved.startsWith("/"); i--) {
    const part = i >= 0 ? (parts[i] as string) : cwd();
    if (part !== "") resolved = resolved === "" ? part : `${part}/${resolved}`;
  }
  const absolute = resolved.startsWith("/");
  const folded = fold(resolved, !absolute);
  if (absolute) return `/${folded}`;
  return folded === "" ? "." : folded;
}

/** `dirname`: trailing slashes ignored; `/` for a root entry, `.` for a bare name. */
export function dirnamePosix(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  let end = -1;
  let inTrailingSlashes = true;
  for (let i = path.length - 1; i >= 1; i--) {
    if (path[i] !== "/") inTrailingSlashes = false;
    else if (!inTrailingSlashes) {
      end = i;
      break;
    }
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}
