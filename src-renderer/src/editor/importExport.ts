// Import… and Export… in the renderer: a config file is checked locally by the
// shared model; VMware and libvirt files are converted by the host's importer.
import { parseConfigText, type Config, type ValidationError } from '../../../src-shared/model';
import type { EditorHost, ImportSource } from '../host/host';

export type ImportOutcome = { ok: true; config: Config; notes: string[] } | { ok: false; errors: ValidationError[] };

/** What kind of file this is: our JSON, a libvirt network XML, or VMware's `networking` file. */
export function importKind(fileName: string, text: string): 'json' | ImportSource {
  const start = text.trimStart();
  if (fileName.toLowerCase().endsWith('.json') || start.startsWith('{')) return 'json';
  if (fileName.toLowerCase().endsWith('.xml') || start.startsWith('<')) return 'libvirt';
  return 'vmware';
}

export async function importFile(host: EditorHost, fileName: string, text: string): Promise<ImportOutcome> {
  const kind = importKind(fileName, text);
  if (kind === 'json') {
    const parsed = parseConfigText(text);
    return parsed.ok ? { ok: true, config: parsed.config, notes: [] } : { ok: false, errors: parsed.errors };
  }
  const result = await host.importConfig(kind, text, fileName);
  return { ok: true, config: result.config, notes: result.notes };
}

export function configText(config: Config): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Offers text as a download (the browser's stand-in for a native Save dialog). */
export function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Export…: a native Save dialog on the desktop; in a browser the host's export
 * text as a download. Returns where it went, or undefined when cancelled.
 */
export async function exportConfig(host: EditorHost, config: Config): Promise<string | undefined> {
  const info = await host.appInfo();
  if (info.nativeDialogs) return (await host.saveExportFile(config))?.path;
  const { text, fileName } = await host.exportText(config);
  download(text, fileName);
  return fileName;
}
