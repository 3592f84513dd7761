#!/bin/sh
# deps.sh - install the Debian 12 packages rasearch needs, and only those
# that are missing.  Safe to run again: with everything present it changes
# nothing and does not touch the network.  Non-interactive (CI has no stdin).
set -eu

PKGS="build-essential autoconf automake autoconf-archive libtool pkg-config
      libxapian-dev libicu-dev libstemmer-dev zlib1g-dev libjansson-dev
      libfcgi-dev liburiparser-dev"

missing=""
for p in $PKGS; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
       grep -q '^install ok installed$'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "deps: all build dependencies are installed"
  exit 0
fi

echo "deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo -n"
else
  echo "deps: need root (or sudo) to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Package lists may be stale or absent on a fresh machine: try, update, retry.
# shellcheck disable=SC2086
if ! $SUDO apt-get install -y -q --no-install-recommends $missing </dev/null; then
  $SUDO apt-get update -q </dev/null
  $SUDO apt-get install -y -q --no-install-recommends $missing </dev/null
fi
