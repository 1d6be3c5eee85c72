#!/usr/bin/env bash
# Installs the pinned third-party MCP peers: the npm ones (interop/peers/package-lock.json) and the official MCP
# Python SDK in a venv (interop/python/requirements.txt). Idempotent: each install is skipped when its stamp
# matches the hash of its lock or requirements file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

dir="$root/interop/peers"
stamp="$dir/node_modules/.gatekit-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  command -v npm >/dev/null || { echo "install-peers: npm not found (install Node.js and npm)" >&2; exit 1; }
  echo "install-peers: npm ci in $dir ..." >&2
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
  echo "$want" > "$stamp"
fi

py="$root/interop/python"
venv="$py/.venv"
stamp="$venv/.gatekit-requirements.sha256"
want="$(sha256sum "$py/requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  command -v python3 >/dev/null || { echo "install-peers: python3 not found (install Python 3.11+)" >&2; exit 1; }
  echo "install-peers: pip install into $venv ..." >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  # Short retries and timeout: where the public index is unreachable, pip would otherwise spend minutes on it
  # before using the machine's configured local index. Its warnings about that are noise: shown only on failure.
  out="$(mktemp)"
  if ! "$venv/bin/pip" install --quiet --disable-pip-version-check --retries 1 --timeout 15 \
      -r "$py/requirements.txt" >"$out" 2>&1; then
    cat "$out" >&2; rm -f "$out"; exit 1
  fi
  rm -f "$out"
  echo "$want" > "$stamp"
fi
