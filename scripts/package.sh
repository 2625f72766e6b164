#!/usr/bin/env bash
# Builds Baton for installation, with the `dist` profile (Cargo.toml: release, link-time
# optimisation, one codegen unit, symbols stripped): the desktop app as a Debian package (Tauri's
# bundler) and the `baton` CLI beside it in dist/. An AppImage too when asked (--appimage): the
# bundler downloads its tools from GitHub for that, so it fails on a machine without internet
# access, and the script says so and goes on.
#
#   scripts/package.sh              dist/Baton_VERSION_amd64.deb and dist/baton
#   scripts/package.sh --appimage   and dist/Baton_VERSION_amd64.AppImage where it can
#   scripts/package.sh --check      then installs the .deb into a fresh Debian 12 root
#                                   (scripts/check-package.sh) and starts the installed app there
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

appimage=false
check=false
for arg in "$@"; do
  case "$arg" in
    --appimage) appimage=true ;;
    --check) check=true ;;
    *) die "unknown option $arg (use --appimage and/or --check)" ;;
  esac
done

need_rust
need_app_build
need_node
TARGET=${CARGO_TARGET_DIR:-target}
rm -rf dist
mkdir -p dist

say "building the baton CLI (profile dist)"
cargo build --locked --profile dist -p baton-cli --bin baton
cp "$TARGET/dist/baton" dist/baton
say "building the app and its Debian package (profile dist; the UI is built first)"
appimage_made=false
if $appimage; then
  # One build for both: the AppImage step downloads linuxdeploy and its plugins from GitHub,
  # and fails where they cannot be fetched; the .deb is made before it.
  if npx tauri build --bundles deb,appimage -- --profile dist; then
    appimage_made=true
  else
    echo "AppImage: not made: the bundler could not fetch its tools (see above); the .deb is unaffected" >&2
  fi
else
  npx tauri build --bundles deb -- --profile dist
fi

version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
deb=$(ls -t "$TARGET"/dist/bundle/deb/*_"$version"_*.deb | head -1)
cp "$deb" dist/
deb=dist/$(basename "$deb")
if $appimage_made; then
  cp "$TARGET"/dist/bundle/appimage/*.AppImage dist/
fi

size() { numfmt --to=iec-i --suffix=B "$(stat -c %s "$1")"; }
say "made"
printf '  %-44s %s\n' "$deb" "$(size "$deb")"
printf '  %-44s %s (the app in it)\n' "$TARGET/dist/baton-app" "$(size "$TARGET/dist/baton-app")"
printf '  %-44s %s (the CLI)\n' "dist/baton" "$(size dist/baton)"
for a in dist/*.AppImage; do
  if [ -f "$a" ]; then printf '  %-44s %s\n' "$a" "$(size "$a")"; fi
done
echo "install: sudo apt install ./$deb   (then Baton is in the menu; baton-app opens it)"
echo "         sudo install -m 755 dist/baton /usr/local/bin/baton   (the CLI)"

if $check; then
  scripts/check-package.sh "$deb"
fi
