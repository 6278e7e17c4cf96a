#!/usr/bin/env bash
# Peers for `npm run bench` (not needed by the tests or CI): Debian's CPU PyTorch with NumPy and SciPy
# for the system python3 (/usr/bin/python3). Idempotent.   sudo bash scripts/setup-bench.sh
set -euo pipefail
SUDO=(); [ "$(id -u)" -ne 0 ] && SUDO=(sudo)
pkgs=(python3-torch python3-numpy python3-scipy)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -eq 0 ]; then echo "[setup-bench] ${pkgs[*]} present"; exit 0; fi
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=900)
"${APT[@]}" update
"${APT[@]}" install --no-install-recommends "${missing[@]}"
echo "[setup-bench] installed ${missing[*]}"
