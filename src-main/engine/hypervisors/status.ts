// Which hypervisors see a network: libvirt (virt-manager, virsh, virt-install, Cockpit),
// QEMU's bridge helper (GNOME Boxes, qemu:///session, unprivileged QEMU) and VirtualBox.
import fs from 'node:fs';
import type { Config, Network } from '../../../src-shared/model';
import type { HypervisorView } from '../../../src-shared/api/types';
import type { HostState } from '../types';
import { libvirtDrift } from './libvirt';
import { bridgeHelperFiles } from './bridge-helper';

/** Where Debian (and most distributions) install QEMU's bridge helper. */
export const BRIDGE_HELPER = '/usr/lib/qemu/qemu-bridge-helper';
const VBOXMANAGE = ['/usr/bin/VBoxManage', '/usr/lib/virtualbox/VBoxManage'];

export interface HypervisorReport {
  views: HypervisorView[];
  /** Things to fix, for the network's problems. */
  problems: string[];
}

function libvirtView(network: Network, config: Config | undefined, state: HostState): HypervisorReport {
  const libvirt = state.libvirt;
  if (!libvirt) return { views: [], problems: [] };
  if (!libvirt.available) return { views: [{ hypervisor: 'libvirt', sees: false, detail: libvirt.why }], problems: [] };
  const found = libvirt.networks.get(network.name);
  if (found && !found.ours) {
    const sees = found.bridge === network.name;
    return {
      views: [
        {
          hypervisor: 'libvirt',
          sees,
          detail: `libvirt has a network named ${network.name} that this app did not define${sees ? '' : `, on another bridge (${found.bridge ?? 'none'})`}`,
        },
      ],
      problems: [],
    };
  }
  if (config?.libvirtNetworks === false) {
    return {
      views: [{ hypervisor: 'libvirt', sees: false, detail: 'switched off in the config ("libvirtNetworks": false)' }],
      problems: [],
    };
  }
  const drift = libvirtDrift(network, found);
  if (!drift)
    return { views: [{ hypervisor: 'libvirt', sees: true, detail: `libvirt network ${network.name} on ${libvirt.uri}` }], problems: [] };
  return {
    views: [{ hypervisor: 'libvirt', sees: false, detail: `libvirt network ${network.name} is ${drift}` }],
    problems: [`libvirt network ${network.name} is ${drift}: run \`vnet apply\` to repair it`],
  };
}

function helperIsSetuid(): boolean {
  try {
    const st = fs.statSync(BRIDGE_HELPER);
    return st.uid === 0 && (st.mode & 0o4000) !== 0;
  } catch {
    return false;
  }
}

function bridgeHelperView(network: Network, state: HostState, qemuDir: string | undefined): HypervisorView[] {
  const helper = state.bridgeHelper;
  if (!qemuDir || !helper) return [];
  const installed = fs.existsSync(BRIDGE_HELPER);
  if (!installed && !helper.allowed) return [];
  const { conf } = bridgeHelperFiles(qemuDir);
  if (!helper.allowed) {
    return [
      {
        hypervisor: 'qemu-bridge-helper',
        sees: false,
        detail: `not allowed yet: \`vnet apply --allow-bridge-helper\` adds one include line to ${conf}`,
      },
    ];
  }
  const listed = (helper.aclText ?? '').split('\n').some((l) => l.trim() === `allow ${network.name}`);
  if (!listed)
    return [{ hypervisor: 'qemu-bridge-helper', sees: false, detail: `${network.name} is not in the app's ACL yet: run \`vnet apply\`` }];
  const setuid = installed && helperIsSetuid();
  return [
    {
      hypervisor: 'qemu-bridge-helper',
      sees: true,
      detail: `allowed (GNOME Boxes, qemu:///session, -netdev bridge,br=${network.name})${
        installed && !setuid
          ? `; ${BRIDGE_HELPER} is not setuid root: unless it has cap_net_admin, run \`sudo chmod u+s ${BRIDGE_HELPER}\``
          : ''
      }`,
    },
  ];
}

function virtualBoxView(network: Network): HypervisorView[] {
  if (!VBOXMANAGE.some((f) => fs.existsSync(f))) return [];
  return [{ hypervisor: 'virtualbox', sees: true, detail: `bridged adapter ${network.name}` }];
}

export function hypervisorReport(
  network: Network,
  config: Config | undefined,
  state: HostState,
  qemuDir: string | undefined,
): HypervisorReport {
  const libvirt = libvirtView(network, config, state);
  return {
    views: [...libvirt.views, ...bridgeHelperView(network, state, qemuDir), ...virtualBoxView(network)],
    problems: libvirt.problems,
  };
}

const NAMES: Record<HypervisorView['hypervisor'], string> = {
  libvirt: 'libvirt',
  'qemu-bridge-helper': 'QEMU bridge helper',
  virtualbox: 'VirtualBox',
};

/** "libvirt", "QEMU bridge helper", "VirtualBox". */
export function hypervisorName(h: HypervisorView['hypervisor']): string {
  return NAMES[h];
}
