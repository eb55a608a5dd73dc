# Shared set-up for scripts/run and scripts/test (sourced, not run).
# Makes sure Qt's system libraries are present and .venv holds the project at its current
# pyproject.toml; a second run with nothing changed does no installing.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"

# Debian packages Qt's xcb platform plugin, fonts and our test tools need.
KETAREF_APT_PACKAGES=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libegl1 libgl1
  libfontconfig1 libdbus-1-3 fonts-dejavu-core)

missing_apt_packages() {
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || printf '%s\n' "$package"
  done
}

ensure_apt_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: nothing to check
  local missing
  missing=$(missing_apt_packages "$@")
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "ketaref: installing system packages: $(echo $missing)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "ketaref: these system packages are missing; install them with:" >&2
    echo "  sudo apt-get install -y $(echo $missing)" >&2
    exit 1
  fi
}

find_python() {
  local candidate
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "ketaref: Python 3.11 or newer is needed; install it with: sudo apt-get install -y python3" >&2
  exit 1
}

ensure_venv() {
  local python stamp wanted
  if [ ! -x "$VENV/bin/python" ]; then
    python=$(find_python)
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      ensure_apt_packages python3-venv
      "$python" -m venv "$VENV"
    fi
  fi
  stamp="$VENV/.ketaref-installed"
  wanted=$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "ketaref: installing the project into .venv (once, or when pyproject.toml changes)" >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e "$REPO_ROOT[dev]"
    echo "$wanted" > "$stamp"
  fi
}

ensure_apt_packages "${KETAREF_APT_PACKAGES[@]}"
ensure_venv
