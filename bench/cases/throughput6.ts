// NAT66 throughput: the guest's IPv6 traffic masqueraded by the app's NAT network, against
// the same path routed without NAT (the physical limit), and the floor under it: that path with
// connection tracking alone. Same method as the IPv4 entries in throughput.ts: one TCP stream of
// iperf3, rounds alternated between the paths.
import type { BenchCase, BenchContext, Outcome } from '../context';
import { IPERF_PORT, nat66Config } from '../configs';
import { alternate, type Variant } from '../harness';
import { iperf } from '../iperf';
import { makeResult } from '../results';
import { routedTopology, rulesSwitch, UPLINK, UPLINK6, vnetTopology } from '../topology';

export const throughput6Case: BenchCase = {
  id: 'throughput6',
  entries: ['nat66-throughput-vs-routed', 'conntrack6-floor-vs-routed', 'nat66-floor-vs-routed', 'nat66-rules-vs-floor'],
  async run(ctx: BenchContext): Promise<Outcome> {
    const { cleanup, log, settings } = ctx;
    const seconds = settings.iperfSeconds;
    log("throughput6: building the routed IPv6 path, and the same path through the app's NAT66 network…");
    const routed = await routedTopology(cleanup, true);
    const tracked = await routedTopology(cleanup, true, 'conntrack');
    const bare = await routedTopology(cleanup, true, 'nat');
    const nat66 = await vnetTopology(cleanup, ctx.repoRoot, 1, true);
    // The app's ruleset in the bare path's own namespaces, switched with the bare rules before each of their rounds.
    const withRules = rulesSwitch(bare, 'nat', nat66Config(UPLINK.hostIf));
    const viaBare = () => iperf(bare.guest, UPLINK6.outside, IPERF_PORT, seconds);
    const variants: Variant[] = [
      { label: 'guest → outside over IPv6, routed', measure: () => iperf(routed.guest, UPLINK6.outside, IPERF_PORT, seconds) },
      { label: 'guest → outside over IPv6, vnet NAT66', measure: () => iperf(nat66.guest, UPLINK6.outside, IPERF_PORT, seconds) },
      {
        label: 'guest → outside over IPv6, routed with conntrack',
        measure: () => iperf(tracked.guest, UPLINK6.outside, IPERF_PORT, seconds),
      },
      { label: 'guest → outside over IPv6, bare masquerade', measure: withRules('floor', viaBare) },
      { label: "guest → outside over IPv6, the app's rules on the bare path", measure: withRules('app', viaBare) },
    ];
    log(`throughput6: ${settings.throughputRounds} rounds × ${variants.length} paths, iperf3 -t ${seconds}, order alternated`);
    const [routedOut, natOut, trackedOut, bareOut, appRulesOut] = await alternate(variants, settings.throughputRounds, log);
    return {
      skipped: [],
      results: [
        makeResult(
          {
            name: 'nat66-throughput-vs-routed',
            unit: 'Gbit/s',
            baseline: 'same IPv6 path routed, no NAT',
            targets: [{ of: 'ratio', op: '>=', limit: 0.95 }],
          },
          natOut!,
          routedOut!,
        ),
        // No target: connection tracking alone, beside it.
        makeResult(
          { name: 'conntrack6-floor-vs-routed', unit: 'Gbit/s', baseline: 'same IPv6 path routed, no conntrack' },
          trackedOut!,
          routedOut!,
        ),
        // No target: the least NAT66 can be (conntrack and one masquerade rule), beside it.
        makeResult({ name: 'nat66-floor-vs-routed', unit: 'Gbit/s', baseline: 'same IPv6 path routed, no NAT' }, bareOut!, routedOut!),
        // No target: what the app's rules cost against the bare NAT66, apart from the namespaces they run in.
        makeResult({ name: 'nat66-rules-vs-floor', unit: 'Gbit/s', baseline: 'bare masquerade, same namespaces' }, appRulesOut!, bareOut!),
      ],
    };
  },
};
