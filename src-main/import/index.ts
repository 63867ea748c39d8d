// Migration in and out: VMware Workstation and libvirt settings in, version-1 config out.
// The CLI (`vnet import`, `vnet export`) and the GUI's Import…/Export… use these.
export { importVmware, importVmwareFiles } from './vmware';
export { importLibvirt } from './libvirt';
export { exportConfig } from './export';
export { ImportError } from './errors';

import type { ImportResult } from '../../src-shared/api/types';
import { importLibvirt } from './libvirt';
import { importVmware } from './vmware';

export type ImportSource = 'vmware' | 'libvirt';
export const IMPORT_SOURCES: readonly ImportSource[] = ['vmware', 'libvirt'];

/** Imports from either product; throws ImportError naming the file (and line) it could not read. */
export function importFrom(source: ImportSource, path: string): ImportResult {
  return source === 'vmware' ? importVmware(path) : importLibvirt(path);
}
