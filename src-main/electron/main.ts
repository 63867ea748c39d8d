// Entry point of the Electron main process (bundled to dist/main.cjs).
import path from 'node:path';
import * as electron from 'electron';
import * as migration from '../import';
import { dirsFromEnv } from '../paths';
import { createFrontDoor } from '../service/front-door';
import { createMainApp } from './app';

const distDir = __dirname;
const packaged = electron.app.isPackaged;
// The helper runs on this same Electron binary in Node mode, so users need no separate Node.
const helperScript = packaged ? path.join(process.resourcesPath, 'helper.cjs') : path.join(distDir, 'helper.cjs');
const iconPath = path.join(electron.app.getAppPath(), 'assets', 'icon.png');

createMainApp(electron, {
  distDir,
  iconPath,
  importer: migration,
  createFrontDoor: (dialogs) =>
    createFrontDoor({
      frontDoor: 'desktop',
      version: electron.app.getVersion(),
      dirs: dirsFromEnv(process.env),
      importer: migration,
      launch: { execPath: process.execPath, script: helperScript, runAsNode: true },
      dialogs,
    }),
}).start();
