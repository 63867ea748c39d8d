// What a libvirt network XML may say that the version-1 config cannot hold. Every element
// and attribute the importer does not map is named with its file and line, so a converted
// file either keeps its meaning or says what it lost; networks whose meaning cannot be kept
// at all (Open vSwitch, guests attached to an existing host bridge) are refused.
import { ImportError } from './errors';
import type { XmlElement } from './xml';

/**
 * Element paths the importer maps (or that carry no meaning for the network, like its
 * uuid), with the attributes it reads. Anything else is reported as not kept.
 */
const UNDERSTOOD: Record<string, readonly string[]> = {
  network: [],
  'network/name': [],
  'network/uuid': [],
  'network/title': [],
  'network/description': [],
  'network/metadata': ['*'],
  'network/forward': ['mode', 'dev'],
  'network/forward/interface': ['dev'],
  'network/bridge': ['name', 'stp', 'delay'],
  'network/domain': ['name', 'localOnly', 'register'],
  'network/mtu': ['size'],
  'network/dns': ['enable'],
  'network/ip': ['address', 'netmask', 'prefix', 'family'],
  'network/ip/dhcp': [],
  'network/ip/dhcp/range': ['start', 'end'],
  'network/ip/dhcp/range/lease': ['expiry', 'unit'],
  'network/ip/dhcp/host': ['mac', 'ip', 'name'],
  'network/ip/dhcp/host/lease': ['expiry', 'unit'],
  'network/ip/dhcp/bootp': ['file', 'server'],
  // Named by the importer itself, with where to run a TFTP server instead.
  'network/ip/tftp': ['root'],
};

/** Plain words for what is lost, by element path (else the element's own name is shown). */
const WHAT: Record<string, string> = {
  'network/forward/nat': 'NAT address and port ranges',
  'network/forward/nat/address': 'the NAT address range',
  'network/forward/nat/port': 'the NAT port range',
  'network/dns/forwarder': 'a DNS forwarder',
  'network/dns/host': 'a DNS host record',
  'network/dns/srv': 'a DNS SRV record',
  'network/dns/txt': 'a DNS TXT record',
  'network/bandwidth': 'bandwidth limits',
  'network/port': 'port isolation',
  'network/route': 'a static route',
  'network/mac': "the bridge's MAC address",
  'network/portgroup': 'a port group',
  'network/vlan': 'VLAN tagging',
  'network/dnsmasq:options': 'raw dnsmasq options',
};

function isOpenVswitch(e: XmlElement): boolean {
  return e.name === 'virtualport' && e.attributes.type === 'openvswitch';
}

function find(root: XmlElement, match: (e: XmlElement) => boolean): XmlElement | undefined {
  if (match(root)) return root;
  for (const c of root.children) {
    const found = find(c, match);
    if (found) return found;
  }
  return undefined;
}

/** Refuses networks the config cannot represent at all, naming file and line. */
export function refuseUnrepresentable(root: XmlElement, file: string): void {
  const ovs = find(root, isOpenVswitch);
  if (ovs) {
    throw new ImportError(
      file,
      ovs.line,
      'an Open vSwitch network (<virtualport type="openvswitch">) cannot be imported: this app builds Linux bridges, and its VLANs, port groups and switch would be lost',
    );
  }
  const forward = root.children.find((c) => c.name === 'forward');
  const bridge = root.children.find((c) => c.name === 'bridge');
  if (forward?.attributes.mode === 'bridge' && bridge?.attributes.name) {
    throw new ImportError(
      file,
      bridge.line,
      `this network attaches guests to the existing host bridge ${bridge.attributes.name}, which this app does not own; a bridged network here builds its own bridge on an uplink instead. Attach the guests to ${bridge.attributes.name} directly, or create a bridged network and choose its uplink`,
    );
  }
}

/** One `FILE:LINE: …` note per element or attribute of `root` that the importer does not keep. */
export function unkeptSettings(root: XmlElement, file: string, network: string): string[] {
  const notes: string[] = [];
  const walk = (e: XmlElement, parent: string): void => {
    const where = parent === '' ? e.name : `${parent}/${e.name}`;
    const known = UNDERSTOOD[where];
    if (known === undefined) {
      notes.push(`${file}:${e.line}: ${WHAT[where] ?? `<${e.name}>`} of ${network} cannot be held by the config; left out`);
      return;
    }
    if (known.includes('*')) return;
    for (const [name, value] of Object.entries(e.attributes)) {
      if (!known.includes(name) && !name.startsWith('xmlns'))
        notes.push(`${file}:${e.line}: ${name}="${value}" on <${e.name}> of ${network} cannot be held by the config; left out`);
    }
    for (const c of e.children) walk(c, where);
  };
  walk(root, '');
  return notes;
}
