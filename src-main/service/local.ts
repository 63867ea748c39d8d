// Operations that need no privilege and must not get any: validating drafts, and
// import/export. Import reads files the user picked, so it runs as the user (in the
// Electron main process or the web console), never in the root helper, which would
// otherwise read any file on the host for whoever controls the renderer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateConfig, type Config } from '../../src-shared/model';
import type { ImportResult } from '../../src-shared/api/types';
import type { Channel, ParsedRequestOf, PrivilegedChannel, ResponseOf } from '../../src-shared/ipc/contract';
import { ApiFailure } from './errors';

/** Migration in and out (src-main/import); tests pass fakes. */
export interface Importer {
  importVmware(file: string): Promise<ImportResult> | ImportResult;
  importLibvirt(file: string): Promise<ImportResult> | ImportResult;
  /** A VMware settings folder sent as {relativePath: text}, read like `vnet import --from vmware DIR`. */
  importVmwareFiles?(files: Readonly<Record<string, string>>, folder?: string): Promise<ImportResult> | ImportResult;
  /** The config as networks.json text. */
  exportConfig(config: Config): string;
}

export type LocalChannel = Exclude<Channel, PrivilegedChannel>;
export type LocalHandlers = {
  [C in LocalChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

export interface LocalOptions {
  importer: Importer;
  appInfo: () => ResponseOf<'appInfo'>;
  /** Native dialogs (desktop only); the web console leaves them out and says so. */
  openImportFile?: LocalHandlers['openImportFile'];
  saveExportFile?: LocalHandlers['saveExportFile'];
  /**
   * Whether `importConfig.path` may name a file on the host. The web console says no: a
   * console session reads only what its browser uploads (a path would let any session read
   * whatever the console's user, perhaps root, can). Default yes (desktop, tests).
   */
  hostPaths?: boolean;
}

/** Imports from a file the user picked, or from uploaded text written to a private temporary folder. */
export async function runImport(importer: Importer, request: ParsedRequestOf<'importConfig'>): Promise<ImportResult> {
  const read = (file: string) => (request.from === 'vmware' ? importer.importVmware(file) : importer.importLibvirt(file));
  if (request.path !== undefined) return read(request.path);
  // A folder stays in memory: nothing is written, and its paths were checked by the contract.
  if (request.files !== undefined) {
    if (!importer.importVmwareFiles) throw new ApiFailure('unavailable', 'this host cannot import a settings folder');
    return importer.importVmwareFiles(request.files, folderName(request.fileName));
  }
  // mkdtemp creates the folder 0700: nobody else can swap the file before it is read.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-import-'));
  try {
    const base = request.from === 'vmware' ? 'networking' : 'network.xml';
    const file = path.join(dir, base);
    fs.writeFileSync(file, request.content ?? '', { mode: 0o600 });
    return await read(file);
  } catch (error) {
    // Name the uploaded file, not the temporary copy.
    const shown = request.fileName ? request.fileName.slice(0, 100) : 'the uploaded file';
    const message = (error as Error).message
      .split(path.join(dir, request.from === 'vmware' ? 'networking' : 'network.xml'))
      .join(shown)
      .split(dir)
      .join(shown);
    throw new ApiFailure('invalid', message);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The sent folder's name for messages: its last part, without anything that looks like a path. */
function folderName(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).filter(Boolean).pop()?.slice(0, 100);
  return last && last !== '..' && last !== '.' ? last : 'the uploaded folder';
}

export function createLocalHandlers(options: LocalOptions): LocalHandlers {
  const unavailable = (what: string) => async (): Promise<never> => {
    throw new ApiFailure('unavailable', `${what} is only available in the desktop app; in the browser use upload and download instead`);
  };
  return {
    async validateConfig({ config }) {
      const result = validateConfig(config);
      return result.ok
        ? { ok: true, errors: [] }
        : { ok: false, errors: result.errors.map((e) => ({ path: [...e.path], message: e.message })) };
    },
    async importConfig(request) {
      if (request.path !== undefined && options.hostPaths === false) {
        throw new ApiFailure('denied', 'importConfig.path: the web console does not read files on the host; upload the file instead');
      }
      try {
        return await runImport(options.importer, request);
      } catch (error) {
        if (error instanceof ApiFailure) throw error;
        throw new ApiFailure('invalid', (error as Error).message);
      }
    },
    async exportConfig({ config }) {
      return { text: options.importer.exportConfig(config), fileName: 'networks.json' };
    },
    openImportFile: options.openImportFile ?? unavailable('Opening a file with a dialog'),
    saveExportFile: options.saveExportFile ?? unavailable('Saving with a dialog'),
    async appInfo() {
      return options.appInfo();
    },
  };
}
