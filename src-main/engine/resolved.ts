// Guests by name from the host: with systemd-resolved, each network whose gateway answers
// HOST.DOMAIN is registered on its bridge as that link's DNS server with the routing-only
// domain `~DOMAIN`, so the host asks the gateway for exactly those names (`ping
// web.localdomain`). resolved keeps per-link settings only while the link exists and
// nobody else manages it, which holds for the app's bridges.
import fs from 'node:fs';
import type { CommandRunner } from './runner';

/** What systemd-resolved has per link, as `resolvectl dns` and `resolvectl domain` list it. */
export interface ResolvedState {
  /** resolved runs, and for this network namespace (it serves only the host's own one). */
  running: boolean;
  /** Why registration is not possible here, when `running` is false. */
  reason?: string;
  links: Map<string, { dns: string[]; domains: string[] }>;
}

const RESOLVED_SOCKET_DIR = '/run/systemd/resolve';

/** Parses `resolvectl dns` / `resolvectl domain` output: `Link 7 (vmnet8): 192.168.133.2` lines. */
export function parseResolvectlLinks(text: string): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^Link \d+ \(([^)]+)\):\s*(.*)$/.exec(line.trim());
    if (match) links.set(match[1]!, match[2]!.split(/\s+/).filter(Boolean));
  }
  return links;
}

function sameNamespaceAsInit(): boolean {
  try {
    return fs.readlinkSync('/proc/self/ns/net') === fs.readlinkSync('/proc/1/ns/net');
  } catch {
    // Cannot tell (no permission to read init's namespace): only root would register, and root can read it.
    return false;
  }
}

/**
 * Reads resolved's per-link DNS settings. Absent when resolved does not run, or when this
 * process is in another network namespace than the host's (a test's, a container's): there
 * a link name means a different interface to resolved, so nothing is registered.
 */
export async function inspectResolved(
  runner: CommandRunner,
  env: { socketDir?: string; sameNamespace?: () => boolean } = {},
): Promise<ResolvedState> {
  const links = new Map<string, { dns: string[]; domains: string[] }>();
  if (!fs.existsSync(env.socketDir ?? RESOLVED_SOCKET_DIR)) {
    return { running: false, reason: 'systemd-resolved is not running on this host', links };
  }
  if (!(env.sameNamespace ?? sameNamespaceAsInit)()) {
    return {
      running: false,
      reason: "this runs in another network namespace than the host's, which systemd-resolved does not serve",
      links,
    };
  }
  const [dns, domain] = await Promise.all([
    runner.run(['resolvectl', '--no-pager', 'dns'], { allowFailure: true }).catch(() => undefined),
    runner.run(['resolvectl', '--no-pager', 'domain'], { allowFailure: true }).catch(() => undefined),
  ]);
  if (!dns || !domain || dns.code !== 0 || domain.code !== 0) {
    return { running: false, reason: `resolvectl cannot reach systemd-resolved${dns?.stderr ? `: ${dns.stderr.trim()}` : ''}`, links };
  }
  const servers = parseResolvectlLinks(dns.stdout);
  const domains = parseResolvectlLinks(domain.stdout);
  for (const name of new Set([...servers.keys(), ...domains.keys()])) {
    links.set(name, { dns: servers.get(name) ?? [], domains: domains.get(name) ?? [] });
  }
  return { running: true, links };
}

/** The argv that register `bridge` with resolved: its DNS server, then its routing-only domain. */
export function registerArgv(bridge: string, server: string, domain: string): string[][] {
  return [
    ['resolvectl', 'dns', bridge, server],
    ['resolvectl', 'domain', bridge, `~${domain}`],
  ];
}

export function unregisterArgv(bridge: string): string[] {
  return ['resolvectl', 'revert', bridge];
}

/** How to reach guests by name without resolved: the same routing, by other means. */
export function namesWithoutResolved(server: string, domain: string): string {
  return (
    `to reach guests as HOST.${domain} from the host, enable systemd-resolved (\`systemctl enable --now systemd-resolved\`, then \`vnet apply\`), ` +
    `or send ${domain} to ${server} from the host's own resolver: with dnsmasq or NetworkManager's dnsmasq plugin add \`server=/${domain}/${server}\`; ` +
    `or query it directly: \`dig @${server} web.${domain}\``
  );
}
