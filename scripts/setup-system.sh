#!/usr/bin/env bash
# Installs what the test tiers need on Debian 12 (bookworm). Idempotent: when everything is already
# there it only checks and returns in about a second. Called by .ci/run; safe to run by hand:
#   sudo bash scripts/setup-system.sh
#
#   vscode tier : chromium (headless browser) + code-server 4.100.3 (browser VS Code server), whose
#                 npm install needs ripgrep and a native toolchain (libkrb5, libsecret, libx11, libxkbfile)
#   gpu tier    : lavapipe, Mesa's Vulkan software driver, from bookworm-backports (bookworm's own
#                 Mesa 22.3 is too old for Dawn, the WebGPU implementation of the `webgpu` package)
#
# code-server goes into a cache folder outside the repository so that fresh clones reuse it:
#   ${THEORYLAB_CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/theorylab/code-server-4.100.3}
# (scripts/code-server.mjs looks in the same place).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/theorylab"
CS_DIR="${THEORYLAB_CODE_SERVER_DIR:-$CACHE_ROOT/code-server-$CODE_SERVER_VERSION}"

log() { printf '[setup-system] %s\n' "$*"; }

# Root is needed only when something must be installed: without root or sudo, the checks still run
# and an install attempt stops with a clear message.
need_root() { log "cannot install '$*': not root and no sudo — run this script as root"; exit 1; }
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=(sudo); else SUDO=(need_root); fi
fi

# Another process (an engineer, unattended-upgrades) may hold the dpkg lock: wait for it instead of
# failing. DPkg::Lock::Timeout covers both the dpkg and the lists lock in apt >= 1.9.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=900)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_updated=0
apt_update() {
  if [ "$apt_updated" -eq 0 ]; then "${APT[@]}" update; apt_updated=1; fi
}

# --- plain bookworm packages ---------------------------------------------------------------------
base_pkgs=(chromium ripgrep libopenblas0-pthread python3-numpy libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev pkg-config g++ make python3 ca-certificates)
missing=()
for p in "${base_pkgs[@]}"; do installed "$p" || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing: ${missing[*]}"
  apt_update
  "${APT[@]}" install --no-install-recommends "${missing[@]}"
else
  log "system packages present"
fi

# --- lavapipe from bookworm-backports ------------------------------------------------------------
mesa_ok() {
  installed mesa-vulkan-drivers && installed libvulkan1 || return 1
  local v; v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)
  dpkg --compare-versions "$v" ge 24 # bookworm's 22.3 does not work with Dawn
}
if ! mesa_ok; then
  list=/etc/apt/sources.list.d/backports.list
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding bookworm-backports to $list"
    echo 'deb http://deb.debian.org/debian bookworm-backports main' | "${SUDO[@]}" tee "$list" >/dev/null
    apt_updated=0
  fi
  apt_update
  log "installing lavapipe (mesa-vulkan-drivers libvulkan1 from bookworm-backports)"
  "${APT[@]}" install --no-install-recommends -t bookworm-backports mesa-vulkan-drivers libvulkan1
else
  log "lavapipe present ($(dpkg-query -W -f='${Version}' mesa-vulkan-drivers))"
fi

# --- code-server, cached outside the repository --------------------------------------------------
if [ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION present in $CS_DIR"
else
  log "installing code-server $CODE_SERVER_VERSION into $CS_DIR (several minutes)"
  mkdir -p "$(dirname "$CS_DIR")"
  # Install into a scratch folder next to the target and rename at the end, so that an interrupted
  # install never looks like a complete one.
  work="$(mktemp -d "$(dirname "$CS_DIR")/.code-server-install.XXXXXX")"
  chmod 755 "$work" # mktemp makes it private; the cache is meant to be readable
  trap 'rm -rf "$work"' EXIT
  # code-server's @vscode/ripgrep postinstall downloads a ripgrep release from GitHub, which cannot be
  # reached here; it first looks in its download cache under the temp dir, so seed that cache with
  # Debian's ripgrep packed under the file name it expects.
  # The cache lives in a private temp dir of this install (TMPDIR), not in a shared /tmp folder that
  # another user may own.
  tmp="$work/tmp"
  rgcache="$tmp/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$rgcache" "$work/rg"
  cp "$(command -v rg)" "$work/rg/rg"
  tar czf "$rgcache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg
  (
    cd "$work"
    echo '{"name":"theorylab-code-server","private":true}' > package.json
    TMPDIR="$tmp" npm_config_yes=true npm_config_unsafe_perm=true npm install --unsafe-perm --no-audit --no-fund \
      "code-server@$CODE_SERVER_VERSION"
  )
  test -f "$work/node_modules/code-server/out/node/entry.js" || { log "code-server install incomplete"; exit 1; }
  test -x "$work/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" || { log "code-server's ripgrep is missing"; exit 1; }
  rm -rf "$work/rg" "$tmp" "$CS_DIR"
  mv "$work" "$CS_DIR"
  trap - EXIT
  log "code-server installed in $CS_DIR"
fi
# Slurm for the cluster tier (a single-node cluster on 127.0.0.1, started by the tier itself).
bash "$(dirname "${BASH_SOURCE[0]}")/slurm-local.sh" install
log "slurm: $(dpkg-query -W -f='${Version}' slurm-client 2>/dev/null || echo missing)"
log "done"
