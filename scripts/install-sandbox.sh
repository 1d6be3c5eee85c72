#!/usr/bin/env bash
# Installs bubblewrap, which sandboxed stdio upstreams run in (and prlimit, from util-linux, for their limits).
# Idempotent and fast when present: nothing is done when bwrap and prlimit are already on PATH. Installs through
# apt-get when that is possible (Debian/Ubuntu, as root); elsewhere it only says what is missing, and the sandbox
# tests skip themselves with that reason (the gateway refuses to start a sandboxed upstream without bubblewrap).
set -euo pipefail

missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v prlimit >/dev/null || missing+=(util-linux)
[ ${#missing[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  echo "install-sandbox: apt-get install ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    # The package lists may be absent or stale (fresh containers): refresh them once and retry.
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "install-sandbox: ${missing[*]} not installed and apt-get as root is not available here;" \
       "install it to run the sandbox tests (they skip without it)" >&2
fi
