// `vnet serve [--port N]`: the editor and its API for a browser, on 127.0.0.1 only.
// The first line on stdout is the URL with the token (scripts and tests read it).
import fs from 'node:fs';
import path from 'node:path';
import { intOption, type Command } from '../framework';

/** Folder of the running bundle (dist/), or of this source file under a test runner. */
function here(): string {
  return typeof __dirname === 'string' ? __dirname : process.cwd();
}

/** dist/renderer next to the bundle, else the repository's dist/renderer. */
export function rendererDir(env: NodeJS.ProcessEnv): string {
  if (env.VNET_RENDERER_DIR) return env.VNET_RENDERER_DIR;
  const candidates = [
    path.join(here(), 'renderer'),
    path.resolve(here(), '../../../dist/renderer'),
    path.resolve(process.cwd(), 'dist/renderer'),
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? candidates[0]!;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the editor to a browser on 127.0.0.1 (web console)',
  usage: '[--port N]',
  options: { port: { type: 'string' } },
  help: `
Starts the web console: the same editor as the desktop app, with the same API, on
http://127.0.0.1:PORT only. The first line printed is the URL to open, with a
one-time secret token: http://127.0.0.1:PORT/?token=TOKEN. Opening it signs the
browser in with a session cookie; requests without it, or from another site or
host name, are refused.

When not run as root, changes to the host go through the privileged helper, which
asks for administrator authentication once (pkexec).

Options:
  --port N   port to listen on (default: a free one)

Runs until interrupted (Ctrl+C).`,
  async run({ values }, { io, dirs, env }) {
    const port = intOption(values.port, 'port', 0, 65535) ?? 0;
    // Loaded here, not at start-up: the console, the service and the importers are the CLI's largest parts.
    const [migration, { startConsole }, { loadFirstScreen }, { createFrontDoor }] = await Promise.all([
      import('../../import'),
      import('../../console/server'),
      import('../../console/first-page'),
      import('../../service/front-door'),
    ]);
    const door = createFrontDoor({
      frontDoor: 'web',
      version: '0.1.0',
      dirs,
      importer: migration,
      // Under the packaged app the CLI runs on Electron in Node mode; the helper does too.
      launch: { execPath: process.execPath, script: path.join(here(), 'helper.cjs'), runAsNode: process.versions.electron !== undefined },
    });
    const renderer = rendererDir(env);
    const firstScreen = loadFirstScreen(path.join(renderer, '..', 'renderer-server', 'first-screen.cjs'), (line) =>
      io.err(`vnet serve: the editor draws its first screen itself: ${line}\n`),
    );
    const console_ = await startConsole({
      dispatcher: door.dispatcher,
      events: door.events,
      rendererDir: renderer,
      port,
      ...(firstScreen ? { firstScreen } : {}),
    });
    io.out(`${console_.url}\n`);
    if (!fs.existsSync(path.join(renderer, 'index.html'))) {
      io.err(
        `vnet serve: the editor is not built (no ${renderer}/index.html); run \`node scripts/build.mjs renderer\`. The API works meanwhile.\n`,
      );
    }
    io.err(`vnet serve: open the URL above in a browser on this machine; press Ctrl+C to stop\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await console_.close();
    door.close();
    return 0;
  },
};
