// docs/performance.md: the README's Performance section, written from a run's results.
import type { ResultsFile } from './results';

/** `analysis` (optional): what limits the missed targets, kept in bench/analysis.md and appended as is. */
export function performanceDoc(file: ResultsFile, table: string, analysis = ''): string {
  const m = file.machine;
  return `## Performance

Measured by \`npm run bench\` (${file.mode} run) on ${file.date.slice(0, 10)}: ${m.cpus} × ${m.model}, ${m.memory} GiB,
${m.kernel}, Node ${m.node}. Every number is the median of several runs, with variants alternated (A B, B A, …)
so load drift favours neither side; min–max shows the spread. Ratios are ours / baseline, both measured in the same run.

${table}

How each entry is measured (all inside network namespaces the bench creates and deletes; the root namespace is never touched):

- **bringup-10-nat-vs-libvirt** / **teardown-10-nat-vs-libvirt**: ten NAT networks with DHCP and DNS (VMware's layout: host .1,
  gateway .2, DHCP .128–.254). Ours: one fresh \`vnet apply\` process; teardown \`vnet down\`. libvirt: Debian's libvirtd 9 in
  its own network and mount namespace (its /run, /var/lib, /var/log, /var/cache, /etc/libvirt, passwd and group bind-mounted
  from a temp folder), the equivalent ten \`<forward mode='nat'/>\` networks defined beforehand (not timed), then one fresh
  \`virsh\` process running \`net-start\` (teardown: \`net-destroy\`) for all ten — the cheapest way to do it with virsh. A time
  counts only if ten bridges and ten dnsmasq processes exist afterwards (none after teardown).
- **apply-1000-forwards**: a fresh \`vnet apply\` of one NAT network with 1,000 port forwards, starting from nothing; checked
  by counting the elements of the app's nftables forward map. Baseline: the same network with 1 forward.
- **noop-apply-vs-node** / **status-vs-node**: with VMware's three default networks up (vmnet0 bridged to the uplink,
  vmnet1, vmnet8), a fresh \`vnet apply\` process that finds nothing to do (checked: it says so) and a fresh
  \`vnet status --json\` (checked: three networks, all up). Baseline: a fresh \`node -e 0\` in the same namespace — the
  floor of any command written for Node.
- **throughput-…**: one TCP stream of iperf3 through outside ⇄ host ⇄ guest (veth pairs, the guest on the network's
  bridge). "routed" is the physical limit: the same path through a plain Linux router, no nftables, no NAT. NAT: guest →
  outside, and the outside has no route back to the guests, so only masquerading makes it work. Forward: outside → host
  port 8080 → guest. Userspace proxy: \`socat -b 131072 TCP-LISTEN,fork\` on the same host relaying to the same guest port
  (128 KiB buffers: socat's default 8 KiB halves its throughput, which would flatter the forward), the way
  VMware's NAT daemon, VirtualBox NAT and docker-proxy forward. 1,000 vs 1: the same forward on the same path
  while 1,000 exist (\`vnet apply\` switches between the two configs between runs, not timed). Conntrack floor (no
  target): guest → outside on a second routed path whose host has one nftables rule matching on connection tracking
  (\`ct state established,related accept\`, everything else accepted too), so the kernel tracks every packet as it must
  for NAT, NAT66 and forwards: what those can reach at best on this kernel, measured in the same rounds; the same path
  outside → guest (conntrack-floor-in, the forwards' direction) and guest → outside over IPv6 (conntrack6-floor, in
  NAT66's rounds). NAT floor, forward floor, NAT66 floor (no targets): the least NAT and a port forward can be in the
  kernel, on third routed paths whose host has one masquerade rule and one DNAT rule (to the guest's iperf3) and
  nothing else: connection tracking plus rewriting every packet's address, without filtering or maps. NAT, forward and
  NAT66 rules vs floor (no targets): the app's own ruleset (generated as \`vnet apply\` loads it, with its one forward)
  on the floor's path, against that floor's bare masquerade or DNAT, the two switched before each of their rounds: only
  the rules differ, not the namespaces, links or CPU placement.
- **dhcp-lease-ms**: a new machine (fresh random MAC) on the first network runs \`busybox udhcpc -q\`; time from its start
  (the DISCOVER) until it exits with a lease. Baseline: the same against libvirt's network.
- **editor-load-ms**: Chromium (headless, via playwright-core) inside a namespace loads the console of \`vnet serve\` (with
  VMware's three default networks stored) in a fresh browser context; timed from navigation until the "Virtual networks"
  table shows vmnet8 and the "Add Network…" button is enabled (the editor has its data and takes input). Baseline: the same
  browser loading a blank page with one button from a tiny server in the same namespace — the floor of any page load
  (a new renderer process, one request, one paint). Chromium's own start-up is paid before any timing. The console's
  page comes with the networks drawn (the editor's code takes them over after they show, and holds a click made before
  that); the run's explanation of one load says when each part arrived, when the page painted and when the code took over.
${analysis.trim() ? `\n${analysis.trim()}\n` : ''}`;
}
