// Live traffic rates for the GUI's adapter list. systeminformation measures the
// interfaces it knows about; it leaves out links without addresses (bridge ports,
// switched-off adapters), so those are measured from sysfs byte counters instead.
import si from 'systeminformation';
import type { AdapterRates } from '../../src-shared/api/types';
import { readByteCounters, SYS_NET } from './sysfs';

interface Sample {
  rx: number;
  tx: number;
  at: number;
}

export class AdapterRateMeter {
  private readonly last = new Map<string, Sample>();

  constructor(private readonly sysRoot = SYS_NET) {}

  /** Rates since the previous call (0 on the first call for an adapter). */
  async sample(names: readonly string[]): Promise<AdapterRates[]> {
    const measured = new Map<string, AdapterRates>();
    try {
      for (const stat of await si.networkStats('*')) {
        if (typeof stat.rx_sec === 'number' && typeof stat.tx_sec === 'number' && stat.rx_sec >= 0 && stat.tx_sec >= 0) {
          measured.set(stat.iface, { name: stat.iface, rxBytesPerSecond: stat.rx_sec, txBytesPerSecond: stat.tx_sec });
        }
      }
    } catch {
      // systeminformation unavailable: every adapter falls back to sysfs.
    }
    const now = Date.now();
    return names.map((name) => {
      const counters = readByteCounters(name, this.sysRoot);
      const previous = this.last.get(name);
      if (counters) this.last.set(name, { ...counters, at: now });
      const fromSi = measured.get(name);
      if (fromSi) return fromSi;
      if (!counters || !previous || now <= previous.at) return { name, rxBytesPerSecond: 0, txBytesPerSecond: 0 };
      const seconds = (now - previous.at) / 1000;
      return {
        name,
        rxBytesPerSecond: Math.max(0, (counters.rx - previous.rx) / seconds),
        txBytesPerSecond: Math.max(0, (counters.tx - previous.tx) / seconds),
      };
    });
  }
}
