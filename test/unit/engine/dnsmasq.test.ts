import { describe, expect, it } from 'vitest';
import { natNetwork } from '../../../src-shared/model';
import { generateHostsFile, parseLeases } from '../../../src-main/engine/dnsmasq';

describe('lease file', () => {
  it('parses dnsmasq lines, lower-cases MACs, maps * and 0', () => {
    const text = [
      '1795811412 0A:68:CC:35:86:29 192.168.133.250 * 01:0a:68:cc:35:86:29',
      '0 52:54:00:12:34:56 192.168.133.50 web *',
      'garbage line',
      '',
    ].join('\n');
    expect(parseLeases('vmnet8', text)).toEqual([
      {
        network: 'vmnet8',
        mac: '0a:68:cc:35:86:29',
        address: '192.168.133.250',
        hostname: '',
        expires: new Date(1795811412000).toISOString(),
      },
      { network: 'vmnet8', mac: '52:54:00:12:34:56', address: '192.168.133.50', hostname: 'web', expires: null },
    ]);
  });
});

describe('reservations file', () => {
  it('is empty without reservations and one mac,address[,hostname] line each otherwise', () => {
    const n = natNetwork('vmnet8', '192.168.133.0/24');
    expect(generateHostsFile(n)).toBe('');
    n.dhcp.reservations = [
      { mac: '52:54:00:AA:BB:CC', address: '192.168.133.50', hostname: 'web' },
      { mac: '52:54:00:00:00:01', address: '192.168.133.51' },
    ];
    expect(generateHostsFile(n)).toBe('52:54:00:aa:bb:cc,192.168.133.50,web\n52:54:00:00:00:01,192.168.133.51\n');
  });
});
