// The app's nftables table, generated as text by a pure function and loaded in one
// `nft -f` transaction that deletes and recreates the table, so the kernel never sees a
// half-written ruleset and nothing outside the table is ever touched.
import { parseCidr, formatCidr } from '../../src-shared/model/ip';
import { canonicalIpv6, formatPrefix6, parsePrefix6 } from '../../src-shared/model/ip6';
import type { RoutedNetwork } from '../../src-shared/model';

export const TABLE_FAMILY = 'inet';
export const TABLE_NAME = 'vnet_editor';
export const PORT_FORWARD_MAP = 'port_forwards';

/**
 * Chain-name part for a network: interface names may contain `.` and `-`, which
 * nft identifiers cannot, so they are escaped reversibly (`_` doubles).
 */
export function chainId(network: string): string {
  return network.replace(/_/g, '__').replace(/\./g, '_d').replace(/-/g, '_h');
}

/** Names of the per-network chains, also used by status and doctor. */
export function networkChains(network: string): { from: string; to: string; hostFrom: string; hostTo: string } {
  const id = chainId(network);
  return { from: `from_${id}`, to: `to_${id}`, hostFrom: `host_from_${id}`, hostTo: `host_to_${id}` };
}

function subnetOf(network: RoutedNetwork): string {
  const parsed = parseCidr(network.subnet);
  if (!parsed.ok) throw new Error(`network ${network.name}: invalid subnet ${network.subnet}`);
  return formatCidr(parsed.cidr);
}

function prefixOf(network: RoutedNetwork): string {
  const parsed = parsePrefix6(network.ipv6?.prefix ?? '');
  if (!parsed.ok) throw new Error(`network ${network.name}: invalid IPv6 prefix ${network.ipv6?.prefix}`);
  return formatPrefix6(parsed.prefix);
}

function rule(text: string, comment: string): string {
  return `\t\t${text} comment ${JSON.stringify(comment)}`;
}

function chain(name: string, lines: string[], hook?: string): string {
  return [`\tchain ${name} {`, ...(hook ? [`\t\t${hook}`] : []), ...lines, '\t}'].join('\n');
}

/**
 * The whole ruleset for the given host-only and NAT networks. Returns text for
 * `nft -f -`: the first two lines make the delete safe when the table does not exist yet.
 */
export interface RulesetOptions {
  /**
   * net.ipv4.ip_forward before the app switched it on. Kept in the port-forward map's comment as
   * well as in the journal, so that `down` can restore it even after the state folder is lost.
   */
  forwardingBefore?: string;
}

const FORWARDING_MARK = 'IPv4 forwarding before vnet: ';

/** Reads the forwarding value kept in the table comment, if any. */
export function forwardingBeforeFromComment(comment: string | undefined): string | undefined {
  const match = comment === undefined ? null : new RegExp(`${FORWARDING_MARK}([01])`).exec(comment);
  return match ? match[1] : undefined;
}

export function generateRuleset(networks: readonly RoutedNetwork[], options: RulesetOptions = {}): string {
  const nat = networks.filter((n) => n.type === 'nat');
  // Protocols are lowercase ASCII names: `<` orders them as localeCompare did, without starting
  // ICU's collator: its first call takes 5–8 ms of a fresh `vnet apply` with two forwards or more.
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const forwards = nat.flatMap((n) =>
    n.nat.portForwards.map((f) => ({ ...f, network: n.name })).sort((a, b) => byName(a.protocol, b.protocol) || a.hostPort - b.hostPort),
  );
  const body: string[] = [];
  body.push('\tcomment "Virtual Network Editor (vnet): generated, replaced as a whole on every apply; do not edit"');
  // Kept on the map because `nft -j` (1.0.x) does not report table comments.
  const mark = options.forwardingBefore === undefined ? '' : `; ${FORWARDING_MARK}${options.forwardingBefore}`;

  // Port forwards: one map keyed by protocol and host port, so a packet costs one lookup however many forwards exist.
  const mapLines = [
    '\t\ttype inet_proto . inet_service : ipv4_addr . inet_service',
    `\t\tcomment "port forwards: protocol . host port : guest address . guest port${mark}"`,
  ];
  if (forwards.length > 0) {
    const elements = forwards.map((f) => `\t\t\t${f.protocol} . ${f.hostPort} : ${f.guestAddress} . ${f.guestPort}`);
    mapLines.push(`\t\telements = {\n${elements.join(',\n')}\n\t\t}`);
  }
  body.push([`\tmap ${PORT_FORWARD_MAP} {`, ...mapLines, '\t}'].join('\n'));

  body.push(
    chain(
      'port_forward_in',
      [
        rule(
          `fib daddr type local dnat ip to meta l4proto . th dport map @${PORT_FORWARD_MAP}`,
          'port forwards reached on any host address from other machines and from guests (hairpin)',
        ),
      ],
      'type nat hook prerouting priority dstnat; policy accept;',
    ),
  );
  body.push(
    chain(
      'port_forward_local',
      [
        rule(
          `ip daddr != 127.0.0.0/8 fib daddr type local dnat ip to meta l4proto . th dport map @${PORT_FORWARD_MAP}`,
          'port forwards reached from the host itself on its non-loopback addresses',
        ),
      ],
      'type nat hook output priority -100; policy accept;',
    ),
  );

  const masquerade: string[] = [];
  for (const n of nat) {
    const subnet = subnetOf(n);
    // A named uplink is the only way out; `auto` follows the host's routes.
    const out = n.nat.uplink === 'auto' ? `oifname != "${n.name}"` : `oifname "${n.nat.uplink}"`;
    masquerade.push(
      rule(`ip saddr ${subnet} ${out} masquerade`, `NAT network ${n.name}: guests reach the outside through the host's address`),
      rule(
        `oifname "${n.name}" ip saddr ${subnet} ct status dnat masquerade`,
        `NAT network ${n.name}: hairpin, guests reach port forwards to their own network`,
      ),
    );
    if (n.ipv6) {
      masquerade.push(
        rule(
          `ip6 saddr ${prefixOf(n)} ${out} masquerade`,
          `NAT network ${n.name}: NAT66, guests reach the outside through the host's IPv6 address`,
        ),
      );
    }
  }
  body.push(chain('nat_out', masquerade, 'type nat hook postrouting priority srcnat; policy accept;'));

  // Decisions about traffic entering a network come first (`to_` chains end in accept or drop),
  // then traffic leaving one, so a NAT network's "may go out" never opens another network.
  const forward: string[] = [];
  const input: string[] = [];
  const output: string[] = [];
  const perNetwork: string[] = [];
  // Frames between two guests of one network are bridged, not forwarded, but with br_netfilter
  // loaded (Docker loads it) the kernel passes them through this hook too, in and out of the
  // bridge: without this rule the `to_` chains below would cut guests off from each other.
  for (const n of networks) {
    forward.push(
      rule(
        `iifname "${n.name}" oifname "${n.name}" accept`,
        `network ${n.name}: its guests reach each other (their frames pass here when br_netfilter is loaded)`,
      ),
    );
  }
  for (const n of networks) {
    const c = networkChains(n.name);
    forward.push(rule(`oifname "${n.name}" jump ${c.to}`, `traffic forwarded into network ${n.name}`));
  }
  for (const n of networks) {
    const c = networkChains(n.name);
    forward.push(rule(`iifname "${n.name}" jump ${c.from}`, `traffic forwarded out of network ${n.name}`));
  }
  for (const n of networks) {
    const c = networkChains(n.name);
    const subnet = subnetOf(n);
    if (n.type === 'hostonly') {
      perNetwork.push(chain(c.to, [rule('drop', `host-only network ${n.name}: nothing is forwarded into it`)]));
      perNetwork.push(chain(c.from, [rule('drop', `host-only network ${n.name}: guests reach only the host`)]));
    } else {
      perNetwork.push(
        chain(c.to, [
          rule('ct state established,related accept', `NAT network ${n.name}: replies to its guests' connections`),
          rule('ct status dnat accept', `NAT network ${n.name}: port forwards`),
          rule('drop', `NAT network ${n.name}: nothing else is forwarded into it`),
        ]),
      );
      perNetwork.push(
        chain(c.from, [
          rule(`ip saddr != ${subnet} drop`, `NAT network ${n.name}: only its own subnet may leave through it`),
          n.ipv6
            ? rule(`ip6 saddr != ${prefixOf(n)} drop`, `NAT network ${n.name}: only its own IPv6 prefix may leave through it`)
            : rule('meta nfproto ipv6 drop', `NAT network ${n.name}: has no IPv6, so no IPv6 leaves through it`),
          ...(n.nat.uplink === 'auto'
            ? []
            : [rule(`oifname != "${n.nat.uplink}" drop`, `NAT network ${n.name}: guests leave only through uplink ${n.nat.uplink}`)]),
          rule('accept', `NAT network ${n.name}: guests reach the outside`),
        ]),
      );
    }
    if (!n.hostAdapter.enabled) {
      // No host adapter: the address kept on the bridge serves DHCP (and the NAT gateway) only.
      input.push(rule(`iifname "${n.name}" jump ${c.hostFrom}`, `network ${n.name} has its host adapter off`));
      output.push(rule(`oifname "${n.name}" jump ${c.hostTo}`, `network ${n.name} has its host adapter off`));
      const fromGuests = [
        rule('ct state established,related accept', `network ${n.name}: replies`),
        rule('udp dport 67 accept', `network ${n.name}: DHCP requests`),
      ];
      if (n.ipv6) {
        fromGuests.push(
          rule(
            'icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept',
            `network ${n.name}: IPv6 neighbour discovery and router solicitations`,
          ),
          rule('udp dport 547 accept', `network ${n.name}: DHCPv6 requests`),
        );
      }
      if (n.type === 'nat') {
        const gw = n.nat.gateway;
        if (n.nat.dns)
          fromGuests.push(rule(`ip daddr ${gw} meta l4proto { tcp, udp } th dport 53 accept`, `NAT network ${n.name}: DNS on the gateway`));
        fromGuests.push(rule(`ip daddr ${gw} icmp type echo-request accept`, `NAT network ${n.name}: guests may ping their gateway`));
        const gw6 = n.ipv6?.gateway === undefined ? undefined : canonicalIpv6(n.ipv6.gateway);
        if (gw6 && n.nat.dns)
          fromGuests.push(
            rule(`ip6 daddr ${gw6} meta l4proto { tcp, udp } th dport 53 accept`, `NAT network ${n.name}: DNS on the IPv6 gateway`),
          );
        if (gw6)
          fromGuests.push(
            rule(`ip6 daddr ${gw6} icmpv6 type echo-request accept`, `NAT network ${n.name}: guests may ping their IPv6 gateway`),
          );
      }
      fromGuests.push(rule('drop', `network ${n.name}: host adapter off, guests cannot reach the host`));
      perNetwork.push(chain(c.hostFrom, fromGuests));
      perNetwork.push(
        chain(c.hostTo, [
          rule('ct state established,related accept', `network ${n.name}: replies`),
          rule('ct status dnat accept', `network ${n.name}: port forwards used from the host`),
          rule('udp sport 67 udp dport 68 accept', `network ${n.name}: DHCP replies`),
          ...(n.ipv6
            ? [
                rule(
                  'icmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept',
                  `network ${n.name}: IPv6 router advertisements and neighbour discovery`,
                ),
                rule('udp sport 547 udp dport 546 accept', `network ${n.name}: DHCPv6 replies`),
              ]
            : []),
          rule('drop', `network ${n.name}: host adapter off, the host cannot reach guests`),
        ]),
      );
    }
  }
  body.push(chain('forward', forward, 'type filter hook forward priority filter; policy accept;'));
  body.push(chain('input', input, 'type filter hook input priority filter; policy accept;'));
  body.push(chain('output', output, 'type filter hook output priority filter; policy accept;'));
  body.push(...perNetwork);

  return [
    `# Virtual Network Editor ruleset for ${networks.map((n) => n.name).join(', ') || 'no networks'}`,
    `table ${TABLE_FAMILY} ${TABLE_NAME}`,
    `delete table ${TABLE_FAMILY} ${TABLE_NAME}`,
    `table ${TABLE_FAMILY} ${TABLE_NAME} {`,
    body.join('\n\n'),
    '}',
    '',
  ].join('\n');
}

/** Text that removes the app's table (and nothing else), safe when it does not exist. */
export function deleteTableText(): string {
  return `table ${TABLE_FAMILY} ${TABLE_NAME}\ndelete table ${TABLE_FAMILY} ${TABLE_NAME}\n`;
}
