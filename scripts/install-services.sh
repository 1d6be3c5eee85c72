#!/usr/bin/env bash
# Installs the services the scale-out tests run for real: redis-server and nginx (Debian packages). Idempotent:
# nothing is done when both binaries are already on PATH (or in /usr/sbin). Needs root (or passwordless sudo) and
# apt-get; elsewhere it says so and exits 0, and the multi-instance tests skip with the same message.
# Only the binaries are used: each test starts its own processes on loopback ports, never the system services.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
if have redis-server && have nginx; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-services: apt-get not found; install redis-server and nginx yourself to run the scale-out tests" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    echo "install-services: not root and no passwordless sudo; install redis-server and nginx to run the scale-out tests" >&2
    exit 0
  fi
fi
echo "install-services: apt-get install redis-server nginx ..." >&2
export DEBIAN_FRONTEND=noninteractive
# Package scripts try to start the services; policy-rc.d 101 forbids that (the tests start their own).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
fi
status=0
$sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends redis-server nginx >&2 \
  || { $sudo apt-get -o DPkg::Lock::Timeout=300 update -q >&2 && $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends redis-server nginx >&2; } \
  || status=$?
[ "$created_policy" = 1 ] && $sudo rm -f "$policy"
if [ "$status" != 0 ]; then
  echo "install-services: apt-get failed ($status); the scale-out tests will skip" >&2
fi
exit 0
