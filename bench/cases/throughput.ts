// Throughput through the app's NAT and port forwards, against the same path routed
// without NAT (the physical limit), a userspace TCP proxy, and 1 forward vs 1,000; and the floor
// under NAT: the routed path with connection tracking alone.
import type { BenchCase, BenchContext, Outcome } from '../context';
import { FORWARD_PORT, GUEST, IPERF_PORT, PROXY_PORT, natWithForwards } from '../configs';
import { alternate, type Variant } from '../harness';
import { iperf } from '../iperf';
import { makeResult } from '../results';
import { routedTopology, rulesSwitch, UPLINK, vnetTopology } from '../topology';
import { waitFor } from '../proc';

const UNIT = 'Gbit/s';
export const SOCAT_BUFFER = 131072;

export const throughputCase: BenchCase = {
  id: 'throughput',
  entries: [
    'nat-throughput-vs-routed',
    'forward-throughput-vs-routed',
    'forward-throughput-vs-userspace-proxy',
    'throughput-1000-vs-1-forwards',
    'conntrack-floor-vs-routed',
    'conntrack-floor-in-vs-routed',
    'nat-floor-vs-routed',
    'forward-floor-vs-routed',
    'nat-rules-vs-floor',
    'forward-rules-vs-floor',
  ],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { cleanup, log, settings } = ctx;
    const seconds = settings.iperfSeconds;
    log("throughput: building the routed path, and the same path through the app's NAT network…");
    const routed = await routedTopology(cleanup);
    // The floor under NAT and forwards on this kernel: the routed path with connection tracking alone.
    const tracked = await routedTopology(cleanup, false, 'conntrack');
    // …and the least NAT and a forward can be: conntrack plus rewriting, one masquerade and one DNAT rule.
    const bare = await routedTopology(cleanup, false, 'nat');
    const one = await vnetTopology(cleanup, ctx.repoRoot, 1);
    // The app's ruleset on the bare path, switched with the bare rules before each of their rounds: only the rules differ.
    const withRules = rulesSwitch(bare, 'nat', natWithForwards(1, UPLINK.hostIf));
    const bareOutward = () => iperf(bare.guest, UPLINK.outside, IPERF_PORT, seconds);
    const bareForward = () => iperf(bare.outside, UPLINK.host, FORWARD_PORT, seconds);
    // 1 vs 1,000 forwards on the very same path: `vnet apply` switches the ruleset between runs (not timed),
    // so only the number of forwards differs, not the namespaces, links or CPU placement.
    const vnet = one.vnet!;
    const configs = new Map([1, 1000].map((n) => [n, vnet.writeConfig(natWithForwards(n, UPLINK.hostIf))]));
    let applied = 1;
    const withForwards = async (count: number, measure: () => Promise<number>): Promise<number> => {
      if (applied !== count) {
        await vnet.cli(['apply', '--config', configs.get(count)!]);
        applied = count;
      }
      return measure();
    };

    // The userspace proxy on the same host as the forward: one connection in, one out, bytes copied through socat.
    // With 128 KiB buffers: socat's default 8 KiB halves its throughput here, which would flatter the forward.
    const proxy = one.host.daemon(cleanup, 'socat', [
      '-b',
      String(SOCAT_BUFFER),
      `TCP-LISTEN:${PROXY_PORT},fork,reuseaddr`,
      `TCP:${GUEST.address}:${IPERF_PORT}`,
    ]);
    await waitFor('socat to listen', async () => {
      if (proxy.exited()) throw new Error(proxy.output());
      return one.host.listening(PROXY_PORT);
    });

    const variants: Variant[] = [
      { label: 'guest → outside, routed', measure: () => iperf(routed.guest, UPLINK.outside, IPERF_PORT, seconds) },
      { label: 'guest → outside, vnet NAT', measure: () => withForwards(1, () => iperf(one.guest, UPLINK.outside, IPERF_PORT, seconds)) },
      { label: 'guest → outside, routed with conntrack', measure: () => iperf(tracked.guest, UPLINK.outside, IPERF_PORT, seconds) },
      { label: 'guest → outside, bare masquerade', measure: withRules('floor', bareOutward) },
      { label: "guest → outside, the app's rules on the bare path", measure: withRules('app', bareOutward) },
      { label: 'outside → guest, routed', measure: () => iperf(routed.outside, GUEST.address, IPERF_PORT, seconds) },
      // The forwards' direction has a floor of its own: the guest's side sends the replies.
      { label: 'outside → guest, routed with conntrack', measure: () => iperf(tracked.outside, GUEST.address, IPERF_PORT, seconds) },
      { label: 'outside → guest, bare DNAT', measure: withRules('floor', bareForward) },
      { label: "outside → guest, the app's forward on the bare path", measure: withRules('app', bareForward) },
      {
        label: 'outside → guest, vnet forward (1 exists)',
        measure: () => withForwards(1, () => iperf(one.outside, UPLINK.host, FORWARD_PORT, seconds)),
      },
      { label: 'outside → guest, socat proxy', measure: () => withForwards(1, () => iperf(one.outside, UPLINK.host, PROXY_PORT, seconds)) },
      {
        label: 'outside → guest, vnet forward (1,000 exist)',
        measure: () => withForwards(1000, () => iperf(one.outside, UPLINK.host, FORWARD_PORT, seconds)),
      },
    ];
    log(`throughput: ${settings.throughputRounds} rounds × ${variants.length} paths, iperf3 -t ${seconds}, order alternated`);
    const [
      routedOut,
      natOut,
      trackedOut,
      bareOut,
      appRulesOut,
      routedIn,
      trackedIn,
      bareIn,
      appForwardIn,
      forwardIn,
      proxyIn,
      forward1000In,
    ] = await alternate(variants, settings.throughputRounds, log);

    return {
      skipped: [],
      results: [
        makeResult(
          {
            name: 'nat-throughput-vs-routed',
            unit: UNIT,
            baseline: 'same path routed, no NAT',
            targets: [{ of: 'ratio', op: '>=', limit: 0.95 }],
          },
          natOut!,
          routedOut!,
        ),
        makeResult(
          {
            name: 'forward-throughput-vs-routed',
            unit: UNIT,
            baseline: 'same path routed, no NAT',
            targets: [{ of: 'ratio', op: '>=', limit: 0.95 }],
          },
          forwardIn!,
          routedIn!,
        ),
        makeResult(
          {
            name: 'forward-throughput-vs-userspace-proxy',
            unit: UNIT,
            baseline: 'socat TCP proxy (128 KiB buffers) on the host',
            targets: [{ of: 'ratio', op: '>=', limit: 4 }],
          },
          forwardIn!,
          proxyIn!,
        ),
        makeResult(
          {
            name: 'throughput-1000-vs-1-forwards',
            unit: UNIT,
            baseline: 'same forward while 1 exists',
            targets: [{ of: 'ratio', op: '>=', limit: 0.95 }],
          },
          forward1000In!,
          forwardIn!,
        ),
        // No targets: connection tracking alone, then the least NAT and a forward can be, on the same paths in the same rounds.
        makeResult({ name: 'conntrack-floor-vs-routed', unit: UNIT, baseline: 'same path routed, no conntrack' }, trackedOut!, routedOut!),
        makeResult({ name: 'conntrack-floor-in-vs-routed', unit: UNIT, baseline: 'same path routed, no conntrack' }, trackedIn!, routedIn!),
        makeResult({ name: 'nat-floor-vs-routed', unit: UNIT, baseline: 'same path routed, no NAT' }, bareOut!, routedOut!),
        makeResult({ name: 'forward-floor-vs-routed', unit: UNIT, baseline: 'same path routed, no NAT' }, bareIn!, routedIn!),
        // No targets: what the app's rules cost against the bare NAT and DNAT, apart from the namespaces they run in.
        makeResult({ name: 'nat-rules-vs-floor', unit: UNIT, baseline: 'bare masquerade, same namespaces' }, appRulesOut!, bareOut!),
        makeResult({ name: 'forward-rules-vs-floor', unit: UNIT, baseline: 'bare DNAT, same namespaces' }, appForwardIn!, bareIn!),
      ],
    };
  },
};
