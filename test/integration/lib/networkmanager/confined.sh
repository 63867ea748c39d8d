#!/bin/bash
# Runs a private dbus-daemon and a real NetworkManager confined to the current network
# namespace (run it with `ip netns exec NS`), with its own mount and UTS namespaces, all
# state under DIR. Writes DIR/nm.pid and DIR/dbus.pid. Used by ../nm-lab.ts; adapted from
# the worked example of a NetworkManager lab. Why each step is there:
#  - /sys read-only: NetworkManager without udev then runs in container mode instead of
#    waiting for udev forever (the harness makes /sys writable again once it is up);
#  - a tmpfs over /run, and NetworkManager's folders bound to DIR: nothing of the host's;
#  - DBUS_SYSTEM_BUS_ADDRESS: NetworkManager and every client use the private bus.
set -euo pipefail
W=$1
hostname nmtest
mount -o remount,bind,ro /sys
mount -t tmpfs -o mode=0755 nmrun /run && mkdir -p /run/NetworkManager
mount --bind "$W/run-nm" /run/NetworkManager
mount --bind "$W/var-lib-nm" /var/lib/NetworkManager
mount --bind "$W/etc-nm" /etc/NetworkManager
mount --bind "$W/resolv.conf" /etc/resolv.conf
mount --bind "$W/hostname" /etc/hostname
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/dbus/system_bus_socket"
dbus-daemon --config-file="$W/dbus/system.conf" --fork --print-pid=3 3>"$W/dbus.pid"
NetworkManager --debug --config=/etc/NetworkManager/NetworkManager.conf >"$W/nm.log" 2>&1 &
echo $! >"$W/nm.pid"
