// What to type into each hypervisor to put a VM on one of our networks: the network's
// name is also its bridge's name, and (where libvirtd runs) a libvirt network's name.

export interface VmSnippet {
  id: 'virt-manager' | 'domain-xml' | 'virt-install' | 'qemu' | 'virtualbox' | 'gnome-boxes';
  title: string;
  /** What to do, in words. */
  how: string;
  /** Exact text to copy (absent when the step is a click, not text). */
  text?: string;
}

/** Snippets for the network `name`; `libvirt` says whether libvirt lists it as a network. */
export function vmSnippets(name: string, libvirt: boolean): VmSnippet[] {
  const source = libvirt ? `<source network='${name}'/>` : `<source bridge='${name}'/>`;
  const type = libvirt ? 'network' : 'bridge';
  return [
    {
      id: 'virt-manager',
      title: 'virt-manager or Cockpit',
      how: libvirt
        ? `In the VM's NIC settings, set Network source to "Virtual network '${name}' : Bridge network".`
        : `In the VM's NIC settings, set Network source to "Bridge device…" and Device name to ${name}.`,
    },
    {
      id: 'domain-xml',
      title: 'libvirt domain XML (virsh edit VM)',
      how: 'Put this inside <devices>:',
      text: [`<interface type='${type}'>`, `  ${source}`, "  <model type='virtio'/>", '</interface>'].join('\n'),
    },
    {
      id: 'virt-install',
      title: 'virt-install',
      how: 'Add this option:',
      text: libvirt ? `--network network=${name},model=virtio` : `--network bridge=${name},model=virtio`,
    },
    {
      id: 'qemu',
      title: 'QEMU with the bridge helper (no root)',
      how: "Needs QEMU's bridge helper allowed for this app's networks (below):",
      text: `qemu-system-x86_64 … -netdev bridge,id=net0,br=${name} -device virtio-net-pci,netdev=net0`,
    },
    {
      id: 'virtualbox',
      title: 'VirtualBox',
      how: 'With the VM powered off:',
      text: `VBoxManage modifyvm VM --nic1 bridged --bridgeadapter1 ${name}`,
    },
    {
      id: 'gnome-boxes',
      title: 'GNOME Boxes',
      how: "Boxes attaches through QEMU's bridge helper (allowed below). With the box shut down, in a terminal:",
      text: `virsh -c qemu:///session attach-interface BOX bridge ${name} --model virtio --config`,
    },
  ];
}
