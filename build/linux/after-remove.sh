#!/bin/sh
# Post-remove of the deb and rpm packages. Networks that exist stay until
# `sudo vnet down` (run it before removing the package); this removes what the
# post-install script added. On an upgrade the new package's files are already in
# place, so nothing is removed then (deb passes "upgrade", rpm passes 1).
case "$1" in
  upgrade | failed-upgrade | 1 | 2) exit 0 ;;
esac

if [ -d /run/systemd/system ]; then
  systemctl disable vnet-editor.service >/dev/null 2>&1 || true
fi
rm -f /usr/lib/systemd/system/vnet-editor.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi

rm -f /usr/share/polkit-1/actions/org.vnet-editor.helper.policy
rm -rf /usr/libexec/vnet-editor
for link in '/usr/bin/${executable}' /usr/bin/vnet; do
  if [ -L "$link" ]; then rm -f "$link"; fi
done

# QEMU's bridge helper: the include line the user allowed, and the app's ACL file.
if [ -f /etc/qemu/bridge.conf ]; then
  sed -i '\#^include /etc/qemu/vnet-editor.conf$#d' /etc/qemu/bridge.conf
  if ! grep -q '[^[:space:]]' /etc/qemu/bridge.conf; then rm -f /etc/qemu/bridge.conf; fi
fi
rm -f /etc/qemu/vnet-editor.conf

# dpkg --purge: also the stored config and state (leases, journal).
if [ "$1" = purge ]; then
  rm -rf /etc/vnet-editor /var/lib/vnet-editor
fi
exit 0
