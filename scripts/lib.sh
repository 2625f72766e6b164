# Shared by scripts/start.sh and scripts/test.sh: check for (and on Debian/Ubuntu install) what
# building Baton needs. Sourced, not run.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# Installs Debian packages that are missing, when we can (root or sudo, apt-get present).
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    die "missing system packages: ${missing[*]} (install them with your package manager)"
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing system packages: ${missing[*]}; run: apt-get install ${missing[*]}"
    sudo="sudo"
  fi
  say "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
  fi
  command -v cargo >/dev/null 2>&1 || die "cargo is not installed: install the stable Rust toolchain (https://rustup.rs), then run this again"
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install build-essential pkg-config
  else
    command -v cc >/dev/null 2>&1 || die "a C compiler (cc) is needed to build the crypto crates"
  fi
}

need_python_venv() {
  command -v python3 >/dev/null 2>&1 || { command -v dpkg-query >/dev/null 2>&1 && apt_install python3 python3-venv; }
  command -v python3 >/dev/null 2>&1 || die "python3 is needed for the interop tests (they install authgent-server from PyPI)"
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    command -v dpkg-query >/dev/null 2>&1 && apt_install python3-venv
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || die "python3 has no venv/ensurepip module: install python3-venv"
  fi
}
