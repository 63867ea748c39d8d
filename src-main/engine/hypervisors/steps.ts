// Plan steps that let hypervisors see our networks: libvirt definitions and the
// bridge helper's ACL. Planned after the networks themselves, from the same
// inspected state, so an apply that changes nothing plans nothing here either.
import type { Network } from '../../../src-shared/model';
import type { Step } from '../core';
import type { HostState } from '../types';
import { defineLibvirtNetwork, libvirtDrift, removeLibvirtNetwork } from './libvirt';
import { aclText, bridgeHelperFiles, writeAcl } from './bridge-helper';

export interface HypervisorPlan {
  steps: Step[];
  warnings: string[];
}

/**
 * Steps that make libvirt hold exactly `libvirtWanted` among our definitions (those of
 * `removable` that are ours and not wanted are undefined), and the bridge helper's ACL
 * allow `aclWanted` — the latter only when the user has allowed the bridge helper.
 */
export function hypervisorSteps(
  state: HostState,
  libvirtWanted: readonly Network[],
  removable: (name: string) => boolean,
  aclWanted: readonly Network[],
  qemuDir: string | undefined,
): HypervisorPlan {
  const steps: Step[] = [];
  const warnings: string[] = [];
  const libvirt = state.libvirt;
  if (libvirt?.available) {
    const { uri } = libvirt;
    const wanted = new Set(libvirtWanted.map((n) => n.name));
    for (const found of libvirt.networks.values()) {
      if (!found.ours || wanted.has(found.name) || !removable(found.name)) continue;
      steps.push({
        operation: {
          op: 'remove-libvirt-network',
          network: found.name,
          target: `libvirt network ${found.name}`,
          description: `Remove the libvirt network ${found.name}`,
        },
        run: (ctx) => removeLibvirtNetwork(ctx, uri, found),
      });
    }
    for (const network of libvirtWanted) {
      const found = libvirt.networks.get(network.name);
      if (found && !found.ours) {
        warnings.push(
          `libvirt already has a network named ${network.name} that this app did not define; it was left as it is, so libvirt tools do not list ${network.name}'s bridge under that name`,
        );
        continue;
      }
      const drift = libvirtDrift(network, found);
      if (!drift) continue;
      steps.push({
        operation: {
          op: 'define-libvirt-network',
          network: network.name,
          target: `libvirt network ${network.name}`,
          description:
            drift === 'missing'
              ? `Define the libvirt network ${network.name} (bridge ${network.name}), so virt-manager and virsh list it`
              : `Repair the libvirt network ${network.name} (${drift})`,
        },
        run: (ctx) => defineLibvirtNetwork(ctx, uri, network, found),
      });
    }
  }
  const helper = state.bridgeHelper;
  if (qemuDir && helper?.allowed) {
    const text = aclText(aclWanted);
    if (helper.aclText !== text) {
      steps.push({
        operation: {
          op: 'write-bridge-helper-acl',
          target: bridgeHelperFiles(qemuDir).acl,
          description: `Allow QEMU's bridge helper to use ${aclWanted.length > 0 ? aclWanted.map((n) => n.name).join(', ') : 'no bridge'} (${bridgeHelperFiles(qemuDir).acl})`,
        },
        run: async (ctx) => {
          const undo = writeAcl(qemuDir, text);
          ctx.onUndo(async () => undo());
        },
      });
    }
  }
  return { steps, warnings };
}
