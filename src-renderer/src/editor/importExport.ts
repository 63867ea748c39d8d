// Import… and Export… in the renderer: a config file is checked locally by the
// shared model; VMware and libvirt files are converted by the host's importer.
import { parseConfigText, type Config, type ValidationError } from '../../../src-shared/model';
import { FOLDER_LIMITS, VMWARE_FOLDER_FILE } from '../../../src-shared/ipc/contract';
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

/** A picked file as the browser gives it; `webkitRelativePath` is "folder/sub/name" for a picked folder. */
export interface PickedFile {
  name: string;
  size: number;
  webkitRelativePath?: string;
  text(): Promise<string>;
}

/**
 * A picked VMware settings folder as {relativePath: text}: only the files
 * `vnet import --from vmware DIR` reads, within the sizes the host accepts. Other
 * files (VMs, logs, leases) are not read at all. Throws with the reason in plain words.
 */
export async function folderFiles(picked: readonly PickedFile[]): Promise<{ folder: string; files: Record<string, string> }> {
  let folder = '';
  const wanted: { path: string; file: PickedFile }[] = [];
  for (const file of picked) {
    const parts = (file.webkitRelativePath || file.name).split('/');
    folder ||= parts.length > 1 ? parts[0]! : '';
    const relative = parts.slice(1).join('/');
    if (VMWARE_FOLDER_FILE.test(relative)) wanted.push({ path: relative, file });
  }
  const name = folder || 'the folder';
  if (!wanted.some((w) => w.path === 'networking'))
    throw new Error(`${name} has no "networking" file; pick VMware's settings folder (usually /etc/vmware).`);
  if (wanted.length > FOLDER_LIMITS.files) throw new Error(`${name} has more than ${FOLDER_LIMITS.files} VMware settings files.`);
  let total = 0;
  const files: Record<string, string> = {};
  for (const { path, file } of wanted) {
    if (file.size > FOLDER_LIMITS.fileBytes)
      throw new Error(`${name}/${path} is ${file.size} bytes; a VMware settings file is a few KB (at most ${FOLDER_LIMITS.fileBytes}).`);
    const text = await file.text();
    total += text.length;
    if (total > FOLDER_LIMITS.totalBytes)
      throw new Error(`${name}'s settings files are larger than ${FOLDER_LIMITS.totalBytes} bytes in all.`);
    files[path] = text;
  }
  return { folder: name, files };
}

/** Import… of a VMware settings folder: converted by the host like `vnet import --from vmware DIR`. */
export async function importFolder(
  host: EditorHost,
  picked: readonly PickedFile[],
): Promise<{ folder: string; config: Config; notes: string[] }> {
  const { folder, files } = await folderFiles(picked);
  const result = await host.importFolder(folder, files);
  return { folder, config: result.config, notes: result.notes };
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
