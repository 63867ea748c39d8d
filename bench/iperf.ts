// iperf3 client runs and the parsing of their JSON reports.
import type { Netns } from './netns';

/** Received throughput in Gbit/s from `iperf3 -J` output; throws with iperf3's own error when the run failed. */
export function parseIperfJson(text: string): number {
  let report: { error?: string; end?: { sum_received?: { bits_per_second?: number } } };
  try {
    report = JSON.parse(text) as typeof report;
  } catch {
    throw new Error(`iperf3 printed no JSON report: ${text.slice(0, 200)}`);
  }
  if (report.error) throw new Error(`iperf3: ${report.error}`);
  const bps = report.end?.sum_received?.bits_per_second;
  if (typeof bps !== 'number' || !(bps > 0)) throw new Error('iperf3 report has no received throughput');
  return bps / 1e9;
}

/** One TCP stream for `seconds` from the client namespace to address:port; returns Gbit/s received. */
export async function iperf(client: Netns, address: string, port: number, seconds: number): Promise<number> {
  const args = ['-c', address, '-p', String(port), '-t', String(seconds), '-J', '--connect-timeout', '3000'];
  try {
    const { stdout } = await client.exec('iperf3', args, { timeoutMs: (seconds + 20) * 1000 });
    return parseIperfJson(stdout);
  } catch (error) {
    // iperf3 exits non-zero with its JSON report (and the reason) on stdout.
    const stdout = (error as { stdout?: string }).stdout;
    if (stdout) parseIperfJson(stdout);
    throw error;
  }
}
