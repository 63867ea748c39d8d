// Entry point of the privileged helper (dist/helper.cjs), started as root by pkexec
// (through the polkit action in assets/) or sudo-prompt, with a constant command line.
// It serves the user who elevated it (PKEXEC_UID / SUDO_UID) on a private socket and
// exits once that user's app has gone away.
import { dirsFromEnv } from '../paths';
import { createPrivilegedHandlers } from '../service/privileged';
import { realHostDeps } from '../service/host';
import { invokingUser, socketPath } from './paths';
import { startHelperServer } from './server';

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stderr.write('vnet-helper: must run as root (the app starts it with pkexec)\n');
    process.exit(1);
  }
  const user = invokingUser(process.env);
  const handlers = createPrivilegedHandlers(realHostDeps(dirsFromEnv(process.env)));
  const path = socketPath(user.uid, process.env);
  const helper = await startHelperServer({
    handlers,
    socketPath: path,
    ownerUid: user.uid,
    ...(user.gid !== undefined ? { ownerGid: user.gid } : {}),
    idleMs: Number(process.env.VNET_HELPER_IDLE_MS) || 60_000,
    firstConnectionMs: 120_000,
    onIdle: () => void helper.close().then(() => process.exit(0)),
  });
  // The app waits for this line (sudo-prompt only shows output at exit; the socket appearing is the signal).
  process.stdout.write(`vnet-helper: listening on ${path}\n`);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => void helper.close().then(() => process.exit(0)));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`vnet-helper: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
