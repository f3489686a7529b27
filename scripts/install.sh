#!/bin/sh
# Installs mcpproxy from a release: picks the build for this OS/CPU, checks its SHA-256, replaces atomically.
# POSIX sh (dash, bash, zsh's sh); needs curl or wget, tar with gzip, and sha256sum or shasum.
set -eu

# Placeholder for the project's release page until its home is final; override with MCPPROXY_INSTALL_BASE_URL.
DEFAULT_BASE_URL=https://github.com/smart-mcp-proxy/mcpproxy-ts/releases

usage() {
  cat <<'EOF'
Install mcpproxy for this machine from a release, after checking its SHA-256.

  curl -fsSL <base>/latest/download/install.sh | sh
  curl -fsSL <base>/latest/download/install.sh | sh -s -- --version v1.2.3
  sh install.sh [--version vX.Y.Z] [--help]

Options:
  --version vX.Y.Z   install this release (default: the latest, named by <base>/latest/download/VERSION)
  -h, --help         print this help

Environment:
  MCPPROXY_INSTALL_BASE_URL  where releases are (default https://github.com/smart-mcp-proxy/mcpproxy-ts/releases);
                             files are read from <base>/download/<version>/, e.g. mcpproxy-1.2.3-linux-x64.tar.gz
                             and SHA256SUMS
  MCPPROXY_INSTALL_DIR       where mcpproxy goes (default ~/.local/bin); no sudo needed
EOF
}

# Every failure ends here: one line on stderr, a non-zero exit, and the EXIT trap removes what was made.
fail() {
  printf 'mcpproxy-install: %s\n' "$*" >&2
  exit 1
}

tmp=""
staged=""
installed=""
child=""
cleanup() {
  if [ -n "$staged" ]; then rm -f "$staged"; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
interrupted() {
  trap - INT TERM
  if [ -n "$child" ]; then
    kill "$child" 2>/dev/null || true
    wait "$child" 2>/dev/null || true
  fi
  if [ -n "$installed" ]; then
    printf 'mcpproxy-install: interrupted after mcpproxy was installed\n' >&2
  else
    printf 'mcpproxy-install: interrupted; nothing was installed\n' >&2
  fi
  exit "$1"
}

check_version() {
  case $1 in
    *[!0-9A-Za-z.+-]*) fail "\"$1\" is not a release version (e.g. v1.2.3)" ;;
    v[0-9]*.[0-9]*.[0-9]*) ;;
    *) fail "\"$1\" is not a release version (e.g. v1.2.3)" ;;
  esac
}

is_musl() {
  for f in /lib/ld-musl-*.so.1; do
    if [ -e "$f" ]; then return 0; fi
  done
  case $(ldd --version 2>&1 || true) in
    *musl*) return 0 ;;
  esac
  return 1
}

detect_platform() {
  os=$(uname -s 2>/dev/null) || fail "cannot run uname to find the operating system"
  arch=$(uname -m 2>/dev/null) || fail "cannot run uname to find the CPU"
  case $os in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      fail "on Windows, download mcpproxy-<version>-windows-x64.zip from $base and put mcpproxy.exe on PATH" ;;
    *) fail "no build for the operating system \"$os\" (there are builds for Linux and macOS)" ;;
  esac
  case $arch in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no build for the CPU \"$arch\" (there are builds for x86_64 and arm64)" ;;
  esac
  # A shell under Rosetta reports x86_64 on Apple silicon; the arm64 build runs natively there.
  if [ "$os" = darwin ] && [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
    arch=arm64
  fi
  if [ "$os" = linux ] && is_musl; then
    fail "no build for musl libc (Alpine and similar): the Linux builds need glibc; run from source with Bun instead"
  fi
}

pick_tools() {
  if command -v curl >/dev/null 2>&1; then
    downloader=curl
  elif command -v wget >/dev/null 2>&1; then
    downloader=wget
  else
    fail "needs curl or wget to download; install one of them"
  fi
  if command -v sha256sum >/dev/null 2>&1; then
    hasher=sha256sum
  elif command -v shasum >/dev/null 2>&1; then
    hasher=shasum
  else
    fail "needs sha256sum or shasum to check the download; install one of them"
  fi
}

# fetch URL FILE WHY: the whole body, or one line: WHY when the server answers with an error, else the cause.
fetch() {
  status=0
  # In the background so that a signal to this shell alone runs its trap now, not after the download.
  if [ "$downloader" = curl ]; then
    curl -fsL -o "$2" "$1" 2>/dev/null &
    http_error=22
  else
    wget -q --tries=1 -O "$2" "$1" 2>/dev/null &
    http_error=8
  fi
  child=$!
  wait "$child" 2>/dev/null || status=$?
  child=""
  if [ "$status" -eq 0 ]; then return 0; fi
  if [ "$status" -eq "$http_error" ]; then fail "$3"; fi
  # A transfer cut short fails here too (curl 18, wget 4): only a whole file is ever checked.
  fail "download of $1 failed ($downloader exit $status: network error or cut-off transfer); nothing was installed"
}

sha256_of() {
  if [ "$hasher" = sha256sum ]; then
    out=$(sha256sum "$1" 2>/dev/null) || fail "sha256sum cannot read $1"
  else
    out=$(shasum -a 256 "$1" 2>/dev/null) || fail "shasum cannot read $1"
  fi
  printf '%s' "${out%% *}"
}

# expected_sum NAME SUMS: the SHA-256 that SHA256SUMS gives for NAME, or nothing.
expected_sum() {
  while read -r hash name || [ -n "${hash:-}" ]; do
    name=${name#\*}
    if [ "$name" = "$1" ] && [ "${#hash}" -eq 64 ]; then
      case $hash in
        *[!0-9a-f]*) ;;
        *) printf '%s' "$hash" && return 0 ;;
      esac
    fi
  done <"$2"
  return 0
}

main() {
  version=""
  while [ $# -gt 0 ]; do
    case $1 in
      --version)
        [ $# -ge 2 ] || fail "--version needs a value, e.g. --version v1.2.3"
        version=$2
        shift 2
        ;;
      --version=*)
        version=${1#--version=}
        shift
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) fail "unknown argument \"$1\" (see --help)" ;;
    esac
  done
  base=${MCPPROXY_INSTALL_BASE_URL:-$DEFAULT_BASE_URL}
  base=${base%/}
  if [ -n "$version" ]; then
    case $version in [0-9]*) version=v$version ;; esac
    check_version "$version"
  fi
  dir=${MCPPROXY_INSTALL_DIR:-}
  if [ -z "$dir" ]; then
    [ -n "${HOME:-}" ] || fail "HOME is not set; set MCPPROXY_INSTALL_DIR to the folder to install into"
    dir=$HOME/.local/bin
  fi

  detect_platform
  pick_tools
  # Checked before any download: a folder we cannot write to fails fast and leaves the old binary alone.
  mkdir -p "$dir" 2>/dev/null || fail "cannot create $dir; set MCPPROXY_INSTALL_DIR to a folder you can write"
  if [ ! -w "$dir" ] || [ ! -x "$dir" ]; then
    fail "cannot write to $dir; set MCPPROXY_INSTALL_DIR to a folder you can write"
  fi
  if [ -d "$dir/mcpproxy" ]; then fail "$dir/mcpproxy is a folder; move it away first"; fi

  tmp=$(mktemp -d "${TMPDIR:-/tmp}/mcpproxy-install.XXXXXX" 2>/dev/null) ||
    fail "cannot make a temp folder in ${TMPDIR:-/tmp}"

  if [ -z "$version" ]; then
    fetch "$base/latest/download/VERSION" "$tmp/VERSION" \
      "cannot find the latest release: $base/latest/download/VERSION answered with an error; try --version vX.Y.Z"
    version=$(tr -d ' \r\n\t' <"$tmp/VERSION")
    check_version "$version"
  fi
  file=mcpproxy-${version#v}-$os-$arch.tar.gz
  url=$base/download/$version
  # printf, not echo: dash's echo would read backslashes in a path as escapes.
  printf 'mcpproxy %s for %s-%s from %s\n' "$version" "$os" "$arch" "$url"

  fetch "$url/SHA256SUMS" "$tmp/SHA256SUMS" "no release $version at $base ($url/SHA256SUMS answered with an error)"
  want=$(expected_sum "$file" "$tmp/SHA256SUMS")
  [ -n "$want" ] || fail "SHA256SUMS of $version has no entry for $file; nothing was installed"
  fetch "$url/$file" "$tmp/$file" "$url/$file answered with an error; nothing was installed"
  got=$(sha256_of "$tmp/$file")
  [ "$got" = "$want" ] || fail "checksum mismatch for $file (expected $want, got $got); nothing was installed"

  mkdir "$tmp/unpacked" && tar -xzf "$tmp/$file" -C "$tmp/unpacked" 2>/dev/null ||
    fail "cannot unpack $file"
  [ -f "$tmp/unpacked/mcpproxy" ] || fail "$file holds no mcpproxy"

  # Copied next to its final place, then renamed over the old one: no moment shows a partial binary.
  staged=$dir/.mcpproxy.install.$$
  cp "$tmp/unpacked/mcpproxy" "$staged" 2>/dev/null || fail "cannot write into $dir (disk full?)"
  chmod 755 "$staged" 2>/dev/null || fail "cannot make $staged executable"
  # A binary that does not run here (wrong CPU, missing glibc) must not replace one that does.
  new=$("$staged" version 2>/dev/null) || fail "the downloaded mcpproxy does not run on this machine; nothing was installed"
  mv -f "$staged" "$dir/mcpproxy" 2>/dev/null || fail "cannot replace $dir/mcpproxy"
  staged=""
  installed=1

  printf 'installed %s\n  at %s/mcpproxy\n' "$new" "$dir"
  case ":${PATH:-}:" in
    *":$dir:"*) ;;
    *) printf '%s is not on your PATH; add it, e.g. in ~/.profile: export PATH="%s:$PATH"\n' "$dir" "$dir" ;;
  esac
}

trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
# Called last, so a script cut off while `curl | sh` reads it runs nothing at all.
main "$@"
