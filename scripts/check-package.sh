#!/usr/bin/env bash
# Checks a Baton .deb the way a newcomer would meet it: installs it with apt into a fresh Debian 12
# root (debootstrap minbase: nothing else installed, so every dependency must be declared), and
# the `baton` CLI beside it (dist/baton) into /usr/local/bin as the README says, then
#   - the menu entry (/usr/share/applications/Baton.desktop) runs baton-app and has an icon;
#   - the CLI runs there (`baton --version`);
#   - the installed app starts on a virtual display (the host's Xvfb, shared into the root): its
#     lab token service answers on loopback, the demo workspace is seeded (the root's
#     `baton export --list` names it), and a screenshot is saved as dist/installed-app.png.
# The root is removed at the end. Needs root, network access to deb.debian.org, debootstrap, Xvfb
# and ImageMagick (installed with apt when missing).
#   scripts/check-package.sh dist/Baton_0.1.0_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

deb=${1:-}
[ -f "$deb" ] || die "usage: $0 PATH/TO/Baton_VERSION_amd64.deb"
[ "$(id -u)" -eq 0 ] || die "installing into a throwaway root needs root (chroot); run it with sudo"
apt_install debootstrap xvfb imagemagick curl

ROOT=$(mktemp -d /tmp/baton-root.XXXXXX)
XPID=
APID=
cleanup() {
  [ -n "$APID" ] && kill "$APID" 2>/dev/null || true
  [ -n "$XPID" ] && kill "$XPID" 2>/dev/null || true
  for m in tmp/.X11-unix dev/shm dev/pts dev sys proc; do
    mountpoint -q "$ROOT/$m" && umount -l "$ROOT/$m" || true
  done
  rm -rf --one-file-system "$ROOT"
}
trap cleanup EXIT

say "a fresh Debian 12 root (debootstrap --variant=minbase bookworm)"
debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian > "$ROOT.log" 2>&1 ||
  { tail -20 "$ROOT.log" >&2; die "debootstrap failed"; }
mount -t proc proc "$ROOT/proc"
mount --bind /sys "$ROOT/sys"
mount --bind /dev "$ROOT/dev"
mount --bind /dev/pts "$ROOT/dev/pts"
mount --bind /dev/shm "$ROOT/dev/shm"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
cp "$deb" "$ROOT/tmp/baton.deb"
cli=$(dirname "$deb")/baton
[ -x "$cli" ] || die "no $cli beside the package (scripts/package.sh puts it there)"
install -m 755 "$cli" "$ROOT/usr/local/bin/baton"

say "apt install ./$(basename "$deb") in it"
chroot "$ROOT" apt-get update -qq
chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/baton.deb > "$ROOT.apt.log" 2>&1 ||
  { tail -30 "$ROOT.apt.log" >&2; die "the package did not install"; }
echo "installed: $(chroot "$ROOT" dpkg-query -W -f='${Package} ${Version}, ${Installed-Size} KiB installed' baton)"

say "the menu entry"
desktop=$ROOT/usr/share/applications/Baton.desktop
[ -f "$desktop" ] || die "no /usr/share/applications/Baton.desktop: Baton is not in the menu"
grep -q '^Exec=baton-app' "$desktop" || die "the menu entry does not run baton-app: $(grep ^Exec "$desktop")"
icon=$(sed -n 's/^Icon=//p' "$desktop")
ls "$ROOT"/usr/share/icons/hicolor/*/apps/"$icon".png > /dev/null 2>&1 || die "the menu entry's icon $icon is not installed"
sed 's/^/  /' "$desktop"

say "the CLI"
chroot "$ROOT" baton --version

say "the installed app starts (on the host's virtual display)"
display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp > /dev/null 2>&1 &
XPID=$!
mkdir -p "$ROOT/tmp/.X11-unix"
sleep 1
mount --bind /tmp/.X11-unix "$ROOT/tmp/.X11-unix"
chroot "$ROOT" env -i HOME=/root PATH=/usr/bin:/bin DISPLAY="$display" baton-app > "$ROOT.app.log" 2>&1 &
APID=$!
lab=
for _ in $(seq 1 60); do
  kill -0 "$APID" 2>/dev/null || { cat "$ROOT.app.log" >&2; die "the installed app exited"; }
  # The app's lab listens on a random loopback port; the lab answers its metadata there.
  for port in $(ss -ltnp 2>/dev/null | awk '/baton-app/ { split($4, a, ":"); print a[length(a)] }'); do
    if curl -fs "http://127.0.0.1:$port/.well-known/oauth-authorization-server" > /dev/null; then
      lab=$port
    fi
  done
  [ -n "$lab" ] && break
  sleep 1
done
[ -n "$lab" ] || { cat "$ROOT.app.log" >&2; die "the installed app's lab token service never answered"; }
echo "the app's lab token service answers at http://127.0.0.1:$lab"
sleep 5
collections=$(chroot "$ROOT" env HOME=/root baton export --list 2>&1) || true
echo "$collections" | sed 's/^/  /'
echo "$collections" | grep -q "Baton demo" || die "the demo workspace was not seeded in the installed app's store"
DISPLAY=$display import -window root dist/installed-app.png
echo "screenshot: dist/installed-app.png"
say "the package installs on a fresh Debian 12, and the installed app starts with its lab and the demo"
rm -f "$ROOT.log" "$ROOT.apt.log" "$ROOT.app.log"
