// Fixed locations of the helper and its socket. Nothing here comes from the user:
// the socket lives in a root-owned folder (0711) under a root-owned runtime folder, one
// per user id; the socket itself is that user's, 0600, so only they (and root) can connect.
import path from 'node:path';

/** Root-owned runtime folder (override only for tests that run the helper unelevated). */
export function runtimeRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.VNET_RUNTIME_DIR || '/run/vnet-editor';
}

export function socketDir(uid: number, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(runtimeRoot(env), String(uid));
}

export function socketPath(uid: number, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(socketDir(uid, env), 'helper.sock');
}

/** Where an installed package puts the helper launcher; the polkit action is bound to this path. */
export const INSTALLED_HELPER = '/usr/libexec/vnet-editor/vnet-helper';
/** Where an installed package puts the polkit action (assets/org.vnet-editor.helper.policy). */
export const INSTALLED_POLICY = '/usr/share/polkit-1/actions/org.vnet-editor.helper.policy';
export const PKEXEC = '/usr/bin/pkexec';

/** The user the helper works for: whoever ran pkexec or sudo; root when started by root directly. */
export function invokingUser(env: NodeJS.ProcessEnv): { uid: number; gid?: number } {
  for (const key of ['PKEXEC_UID', 'SUDO_UID']) {
    const value = env[key];
    if (value && /^\d{1,10}$/.test(value)) {
      const gid = key === 'SUDO_UID' && env.SUDO_GID && /^\d{1,10}$/.test(env.SUDO_GID) ? Number(env.SUDO_GID) : undefined;
      return { uid: Number(value), ...(gid !== undefined ? { gid } : {}) };
    }
  }
  return { uid: 0 };
}
