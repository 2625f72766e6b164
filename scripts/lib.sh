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

# What the desktop app (Tauri 2, WebKitGTK) needs to build, on Debian/Ubuntu.
need_app_build() {
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install build-essential pkg-config file libssl-dev libwebkit2gtk-4.1-dev libxdo-dev \
      libayatana-appindicator3-dev librsvg2-dev
  else
    pkg-config --exists webkit2gtk-4.1 2>/dev/null ||
      die "the desktop app needs WebKitGTK 4.1 development files (see https://v2.tauri.app/start/prerequisites/)"
  fi
}

# What the UI and end-to-end tests need: a virtual display, WebKit's WebDriver, Chromium.
need_app_test() {
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install xvfb xauth webkit2gtk-driver chromium
  fi
  command -v Xvfb >/dev/null 2>&1 || die "Xvfb is needed for the end-to-end tests"
  command -v WebKitWebDriver >/dev/null 2>&1 || die "WebKitWebDriver (webkit2gtk-driver) is needed for the end-to-end tests"
}

# Node 20+ and npm, then the pinned npm packages of the repository (package-lock.json).
need_node() {
  if ! command -v npm >/dev/null 2>&1; then
    command -v dpkg-query >/dev/null 2>&1 && apt_install nodejs npm
  fi
  command -v node >/dev/null 2>&1 || die "Node.js 20 or newer is needed for the UI"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20 or newer is needed for the UI (this is $(node --version))"
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
  fi
}

# tauri-driver (WebDriver for the real app), pinned to the 2.x line that matches Tauri 2.
need_tauri_driver() {
  [ -x "$HOME/.cargo/bin/tauri-driver" ] && export PATH="$HOME/.cargo/bin:$PATH"
  if ! tauri-driver --help >/dev/null 2>&1; then
    say "installing tauri-driver 2.1.0 (cargo install, about a minute)"
    cargo install tauri-driver --version 2.1.0 --locked --quiet
  fi
}
