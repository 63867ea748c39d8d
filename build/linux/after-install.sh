#!/bin/sh
# Post-install of the deb and rpm packages. electron-builder fills in the two
# macros (executable, sanitizedProductName); everything else is plain sh, and no
# shell variable is written with braces so that the template leaves it alone.
set -e
APP='/opt/${sanitizedProductName}'
RES="$APP/resources"

# The desktop app and the `vnet` command on PATH.
ln -sf "$APP/${executable}" '/usr/bin/${executable}'
ln -sf "$RES/bin/vnet" /usr/bin/vnet

# Chromium's setuid sandbox is only needed where unprivileged user namespaces are off.
if [ -L /proc/self/ns/user ] && unshare --user true 2>/dev/null; then
  chmod 0755 "$APP/chrome-sandbox" || true
else
  chmod 4755 "$APP/chrome-sandbox" || true
fi

# The privileged helper's launcher and its polkit action (auth_admin_keep): the
# action's exec.path names this launcher, so pkexec shows the app's own message.
# It lives at a fixed path without spaces (the app folder has them).
install -d -m 0755 /usr/libexec/vnet-editor
cat > /usr/libexec/vnet-editor/vnet-helper <<'LAUNCHER'
#!/bin/sh
ELECTRON_RUN_AS_NODE=1 exec '/opt/${sanitizedProductName}/${executable}' '/opt/${sanitizedProductName}/resources/helper.cjs' "$@"
LAUNCHER
chmod 0755 /usr/libexec/vnet-editor/vnet-helper
if [ -f "$RES/org.vnet-editor.helper.policy" ]; then
  install -D -m 0644 "$RES/org.vnet-editor.helper.policy" /usr/share/polkit-1/actions/org.vnet-editor.helper.policy
fi

# Folders for the stored config and the DHCP/NAT state; root only.
install -d -m 0755 /etc/vnet-editor
install -d -m 0750 /var/lib/vnet-editor

# Apply the stored networks at every boot, before VMs start. Enabled, not started:
# installing must not change the host's networking; the unit only acts once a
# config has been applied (ConditionPathExists).
install -D -m 0644 "$RES/vnet-editor.service" /usr/lib/systemd/system/vnet-editor.service
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
  systemctl enable vnet-editor.service || true
else
  echo "vnet-editor: systemd is not running; enable vnet-editor.service yourself to apply the networks at boot"
fi

if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database /usr/share/applications || true
fi
exit 0
