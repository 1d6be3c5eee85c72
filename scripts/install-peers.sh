#!/usr/bin/env bash
# Installs the pinned third-party MCP peers (interop/peers/package-lock.json) with npm.
# Idempotent: skips the install when node_modules already matches the lock file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/interop/peers"
stamp="$dir/node_modules/.gatekit-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install-peers: npm not found (install Node.js and npm)" >&2; exit 1; }
echo "install-peers: npm ci in $dir ..." >&2
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
echo "$want" > "$stamp"
