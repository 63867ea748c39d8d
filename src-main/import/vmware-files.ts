// Readers for VMware Workstation's network settings files on Linux:
//   /etc/vmware/networking           `answer VNET_8_NAT yes`, `add_nat_portfwd 8 tcp 8080 192.168.133.50 80`, …
//   /etc/vmware/vmnetN/nat/nat.conf  INI: `[host] ip = …` (the NAT gateway), `[incomingtcp] 8080 = 192.168.133.50:80`
//   /etc/vmware/vmnetN/dhcpd/dhcpd.conf  ISC dhcpd syntax: subnet, range, lease times, host blocks
// Each reader returns plain facts with the line they came from; vmware.ts turns them into networks.
import { interfaceNameProblem, ip } from '../../src-shared/model';
import { ImportError } from './errors';

export interface Located<T> {
  value: T;
  line: number;
}

export interface ForwardLine {
  protocol: 'tcp' | 'udp';
  hostPort: number;
  guestAddress: string;
  guestPort: number;
  line: number;
}

export interface MacToIpLine {
  mac: string;
  address: string;
  line: number;
}

/** What the networking file says about one vmnet. */
export interface VmnetLines {
  answers: Map<string, Located<string>>;
  bridgeUplinks: Located<string>[];
  forwards: ForwardLine[];
  macToIp: MacToIpLine[];
}

export interface NetworkingFile {
  vmnets: Map<number, VmnetLines>;
  /** `answer VNL_DEFAULT_BRIDGE_VNET N`: the vmnet bridged to the automatically chosen adapter (-1: none). */
  defaultBridge?: Located<number>;
  notes: string[];
}

/** Keys VMware keeps for its own bookkeeping; they carry nothing this app needs. */
const BOOKKEEPING = /^(DHCP_CFG_HASH|HOSTONLY_UUID|NAT_PARAM_.*|DISPLAY_NAME_.*|VIRTUAL_ADAPTER_ADDR|HOSTONLY_SPEED)$/;
const USED = new Set(['DHCP', 'HOSTONLY_NETMASK', 'HOSTONLY_SUBNET', 'NAT', 'VIRTUAL_ADAPTER', 'DISPLAY_NAME']);

function vmnetNumber(text: string, file: string, line: number): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > 255) throw new ImportError(file, line, `"${text}" is not a vmnet number (0-255)`);
  return Number(text);
}

function port(text: string, file: string, line: number, what: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n < 1 || n > 65535) throw new ImportError(file, line, `${what} "${text}" is not a port number (1-65535)`);
  return n;
}

function address(text: string, file: string, line: number, what: string): string {
  if (ip.parseIpv4(text) === undefined) throw new ImportError(file, line, `${what} "${text}" is not an IPv4 address`);
  return text;
}

/** VMware writes MACs in either case and sometimes with "-"; the config wants lower-case with ":". */
export function normalizeMac(text: string, file: string, line: number): string {
  const mac = text.replace(/-/g, ':').toLowerCase();
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new ImportError(file, line, `"${text}" is not a MAC address`);
  return mac;
}

export function parseNetworking(text: string, file: string): NetworkingFile {
  const result: NetworkingFile = { vmnets: new Map(), notes: [] };
  const vmnet = (n: number): VmnetLines => {
    let lines = result.vmnets.get(n);
    if (!lines) {
      lines = { answers: new Map(), bridgeUplinks: [], forwards: [], macToIp: [] };
      result.vmnets.set(n, lines);
    }
    return lines;
  };
  let sawDirective = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const words = trimmed.split(/\s+/);
    const [directive] = words;
    if (/^VERSION=/.test(trimmed)) {
      if (trimmed !== 'VERSION=1,0')
        result.notes.push(`${file}:${line}: file format ${trimmed} is newer than the 1,0 this importer knows; read it anyway`);
      sawDirective = true;
      return;
    }
    switch (directive) {
      case 'answer': {
        const key = words[1];
        if (!key) throw new ImportError(file, line, '"answer" needs a name and a value');
        // The value is the rest of the line; it may be empty (VNET_1_DISPLAY_NAME).
        const value = trimmed.slice(trimmed.indexOf(key) + key.length).trim();
        const perVmnet = /^VNET_(\d+)_([A-Z0-9_]+)$/.exec(key);
        if (perVmnet) {
          const n = vmnetNumber(perVmnet[1]!, file, line);
          const name = perVmnet[2]!;
          if (name === 'INTERFACE') {
            // Older Workstation releases bridged with `answer VNET_0_INTERFACE eth0`.
            const problem = interfaceNameProblem(value);
            if (problem) throw new ImportError(file, line, `adapter name ${problem}`);
            vmnet(n).bridgeUplinks.push({ value, line });
          } else if (USED.has(name)) vmnet(n).answers.set(name, { value, line });
          else if (!BOOKKEEPING.test(name)) result.notes.push(`${file}:${line}: setting ${key} has no equivalent here; ignored`);
        } else if (key === 'VNL_DEFAULT_BRIDGE_VNET') {
          if (!/^-?\d{1,3}$/.test(value))
            throw new ImportError(file, line, `VNL_DEFAULT_BRIDGE_VNET "${value}" is not a vmnet number or -1`);
          result.defaultBridge = { value: Number(value), line };
        } else {
          result.notes.push(`${file}:${line}: setting ${key} has no equivalent here; ignored`);
        }
        break;
      }
      case 'add_nat_portfwd': {
        if (words.length !== 6)
          throw new ImportError(file, line, 'expected "add_nat_portfwd VMNET tcp|udp HOSTPORT GUESTADDRESS GUESTPORT"');
        const n = vmnetNumber(words[1]!, file, line);
        const protocol = words[2]!.toLowerCase();
        if (protocol !== 'tcp' && protocol !== 'udp') throw new ImportError(file, line, `protocol "${words[2]}" must be tcp or udp`);
        vmnet(n).forwards.push({
          protocol,
          hostPort: port(words[3]!, file, line, 'host port'),
          guestAddress: address(words[4]!, file, line, 'virtual machine address'),
          guestPort: port(words[5]!, file, line, 'virtual machine port'),
          line,
        });
        break;
      }
      case 'add_dhcp_mac_to_ip': {
        if (words.length !== 4) throw new ImportError(file, line, 'expected "add_dhcp_mac_to_ip VMNET MAC ADDRESS"');
        const n = vmnetNumber(words[1]!, file, line);
        vmnet(n).macToIp.push({
          mac: normalizeMac(words[2]!, file, line),
          address: address(words[3]!, file, line, 'reserved address'),
          line,
        });
        break;
      }
      case 'add_bridge_mapping': {
        if (words.length !== 3) throw new ImportError(file, line, 'expected "add_bridge_mapping ADAPTER VMNET"');
        const problem = interfaceNameProblem(words[1]!);
        if (problem) throw new ImportError(file, line, `adapter name ${problem}`);
        vmnet(vmnetNumber(words[2]!, file, line)).bridgeUplinks.push({ value: words[1]!, line });
        break;
      }
      default:
        if (/^(add|remove)_[a-z0-9_]+$/.test(directive!)) {
          result.notes.push(`${file}:${line}: "${directive}" has no equivalent here; ignored`);
          break;
        }
        throw new ImportError(
          file,
          line,
          sawDirective || result.vmnets.size > 0
            ? `"${trimmed.slice(0, 60)}" is not a line of VMware's networking file`
            : `this does not look like VMware's networking file (it has lines like "answer VNET_8_NAT yes")`,
        );
    }
    sawDirective = true;
  });
  return result;
}

export interface NatConf {
  gateway?: Located<string>;
  /** `[host] natIp6Enable` and `natIp6Prefix` (VMware's NAT66). */
  ip6Enable?: Located<boolean>;
  ip6Prefix?: Located<string>;
  forwards: ForwardLine[];
}

/** Reads nat.conf: the `[host]` gateway address and the `[incomingtcp]`/`[incomingudp]` port forwards. */
export function parseNatConf(text: string, file: string): NatConf {
  const result: NatConf = { forwards: [] };
  let section = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      return;
    }
    const pair = /^([^=]+?)\s*=\s*(.*?)\s*(?:#.*)?$/.exec(trimmed);
    if (!pair) throw new ImportError(file, line, `"${trimmed.slice(0, 60)}" is not a "name = value" line`);
    const [, key, value] = pair as unknown as [string, string, string];
    if (section === 'host' && key === 'ip') {
      result.gateway = { value: address(value, file, line, 'NAT gateway'), line };
    } else if (section === 'host' && key.toLowerCase() === 'natip6enable') {
      result.ip6Enable = { value: /^(true|yes|1)$/i.test(value), line };
    } else if (section === 'host' && key.toLowerCase() === 'natip6prefix') {
      result.ip6Prefix = { value, line };
    } else if (section === 'incomingtcp' || section === 'incomingudp') {
      const target = /^([0-9.]+):(\d+)$/.exec(value);
      if (!target) throw new ImportError(file, line, `port forward "${trimmed}" must look like "8080 = 192.168.133.50:80"`);
      result.forwards.push({
        protocol: section === 'incomingtcp' ? 'tcp' : 'udp',
        hostPort: port(key, file, line, 'host port'),
        guestAddress: address(target[1]!, file, line, 'virtual machine address'),
        guestPort: port(target[2]!, file, line, 'virtual machine port'),
        line,
      });
    }
  });
  return result;
}

interface DhcpStatement {
  words: string[];
  line: number;
  block?: DhcpStatement[];
}

/** Splits ISC dhcpd syntax into statements and `{ }` blocks, with line numbers. */
function parseDhcpStatements(text: string, file: string): DhcpStatement[] {
  const root: DhcpStatement[] = [];
  const stack: { list: DhcpStatement[]; line: number }[] = [{ list: root, line: 0 }];
  let words: string[] = [];
  let wordsLine = 0;
  let line = 1;
  let i = 0;
  const push = (word: string): void => {
    if (words.length === 0) wordsLine = line;
    words.push(word);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\n') throw new ImportError(file, start, 'a quoted string is never closed');
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
        j++;
      }
      if (j >= text.length) throw new ImportError(file, start, 'a quoted string is never closed');
      push(value);
      i = j + 1;
    } else if (c === ';') {
      if (words.length > 0) stack[stack.length - 1]!.list.push({ words, line: wordsLine });
      words = [];
      i++;
    } else if (c === '{') {
      const statement: DhcpStatement = { words, line: words.length > 0 ? wordsLine : line, block: [] };
      stack[stack.length - 1]!.list.push(statement);
      stack.push({ list: statement.block!, line });
      words = [];
      i++;
    } else if (c === '}') {
      if (words.length > 0) throw new ImportError(file, wordsLine, `"${words.join(' ')}" is missing its ";"`);
      if (stack.length === 1) throw new ImportError(file, line, '"}" without a matching "{"');
      stack.pop();
      i++;
    } else {
      let j = i;
      while (j < text.length && !/[\s;{}"#]/.test(text[j]!)) j++;
      push(text.slice(i, j));
      i = j;
    }
  }
  if (words.length > 0) throw new ImportError(file, wordsLine, `"${words.join(' ')}" is missing its ";"`);
  if (stack.length > 1) throw new ImportError(file, stack[stack.length - 1]!.line, '"{" is never closed with "}"');
  return root;
}

export interface DhcpHost {
  name: string;
  mac?: string;
  address?: string;
  line: number;
}

export interface DhcpdConf {
  subnet?: Located<{ address: string; netmask: string }>;
  range?: Located<{ start: string; end: string }>;
  /** The subnet's default-lease-time, or the file's global one. */
  leaseSeconds?: Located<number>;
  /** max-lease-time: how long a guest that asks may keep its lease (the config has one lease time). */
  maxLeaseSeconds?: Located<number>;
  /** `option domain-name` (VMware writes `localdomain`). */
  domain?: Located<string>;
  hosts: DhcpHost[];
}

function leaseTime(statement: DhcpStatement, file: string): Located<number> {
  const value = statement.words[1] ?? '';
  if (!/^\d{1,10}$/.test(value)) throw new ImportError(file, statement.line, `lease time "${value}" is not a number of seconds`);
  return { value: Number(value), line: statement.line };
}

/** Reads dhcpd.conf: the subnet's range and lease time, and every `host` block (anywhere in the file). */
export function parseDhcpdConf(text: string, file: string): DhcpdConf {
  const statements = parseDhcpStatements(text, file);
  const result: DhcpdConf = { hosts: [] };
  let globalLease: Located<number> | undefined;
  let subnetLease: Located<number> | undefined;

  const visit = (list: DhcpStatement[], inSubnet: boolean): void => {
    for (const s of list) {
      const [keyword] = s.words;
      if (keyword === 'default-lease-time' && !s.block) {
        const lease = leaseTime(s, file);
        if (inSubnet) subnetLease = lease;
        else globalLease ??= lease;
      } else if (keyword === 'max-lease-time' && !s.block) {
        result.maxLeaseSeconds ??= leaseTime(s, file);
      } else if (keyword === 'option' && s.words[1] === 'domain-name' && !s.block && s.words[2]) {
        result.domain ??= { value: s.words[2], line: s.line };
      } else if (keyword === 'range' && inSubnet && !s.block) {
        const rest = s.words.slice(1).filter((w) => w !== 'dynamic-bootp');
        if (rest.length !== 2) throw new ImportError(file, s.line, 'expected "range FIRST LAST;"');
        result.range ??= {
          value: { start: address(rest[0]!, file, s.line, 'range start'), end: address(rest[1]!, file, s.line, 'range end') },
          line: s.line,
        };
      } else if (keyword === 'subnet' && s.block) {
        if (s.words.length !== 4 || s.words[2] !== 'netmask')
          throw new ImportError(file, s.line, 'expected "subnet ADDRESS netmask MASK {"');
        result.subnet ??= {
          value: { address: address(s.words[1]!, file, s.line, 'subnet'), netmask: address(s.words[3]!, file, s.line, 'netmask') },
          line: s.line,
        };
        visit(s.block, true);
      } else if (keyword === 'host' && s.block) {
        const host: DhcpHost = { name: s.words[1] ?? '', line: s.line };
        for (const h of s.block) {
          if (h.words[0] === 'hardware' && h.words[1] === 'ethernet' && h.words[2]) host.mac = normalizeMac(h.words[2], file, h.line);
          // fixed-address may list several addresses or names; the first IPv4 address is the reservation.
          if (h.words[0] === 'fixed-address')
            host.address ??= h.words
              .slice(1)
              .join(' ')
              .split(/\s*,\s*/)
              .find((a) => ip.parseIpv4(a) !== undefined);
        }
        result.hosts.push(host);
      } else if (s.block) {
        // group, shared-network, pool, class: their hosts and ranges count too.
        visit(s.block, inSubnet || keyword === 'shared-network' || keyword === 'pool');
      }
    }
  };
  visit(statements, false);
  result.leaseSeconds = subnetLease ?? globalLease;
  return result;
}
