// A VMware settings folder sent by the browser ({relativePath: text}) is read by the
// same code as `vnet import --from vmware DIR`, with nat.conf and dhcpd.conf.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as migration from '../../../src-main/import';
import { importVmware, importVmwareFiles } from '../../../src-main/import';
import { runImport } from '../../../src-main/service/local';
import { memoryReader } from '../../../src-main/import/read';
import { vmwareFixture } from './helpers';

/** A folder's files as the browser's folder import sends them. */
function filesOf(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(folder, full).split(path.sep).join('/')] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(folder);
  return files;
}

describe('VMware settings folder from memory', () => {
  const folder = vmwareFixture('etc-vmware');
  const fromDisk = importVmware(folder);
  const fromMemory = importVmwareFiles(filesOf(folder), 'etc-vmware');

  it('gives the same config as the folder on disk, nat.conf and dhcpd.conf included', () => {
    expect(fromMemory.config).toEqual(fromDisk.config);
    // The fixture's dhcpd.conf reservations and nat.conf forwards are in it.
    const vmnet8 = fromMemory.config.networks.find((n) => n.name === 'vmnet8');
    expect(vmnet8).toMatchObject({ type: 'nat' });
    if (vmnet8?.type !== 'nat') throw new Error('vmnet8 is not NAT');
    expect(vmnet8.dhcp.reservations.length).toBeGreaterThan(0);
    expect(vmnet8.nat.portForwards.length).toBeGreaterThan(0);
  });

  it('gives the same notes, naming the sent folder instead of the path on disk', () => {
    expect(fromMemory.notes).toEqual(fromDisk.notes.map((n) => n.split(folder).join('etc-vmware')));
  });

  it('reads natIp6Enable and natIp6Prefix from nat.conf (off in the fixture)', () => {
    const vmnet8 = fromDisk.config.networks.find((n) => n.name === 'vmnet8');
    expect(vmnet8 && 'ipv6' in vmnet8).toBe(false);
    const files = filesOf(folder);
    files['vmnet8/nat/nat.conf'] = files['vmnet8/nat/nat.conf']!.replace('natIp6Enable = 0', 'natIp6Enable = 1');
    const on = importVmwareFiles(files, 'etc-vmware').config.networks.find((n) => n.name === 'vmnet8');
    expect(on).toMatchObject({
      ipv6: { prefix: 'fd15:4ba5:5a2b:1008::/64', hostAddress: 'fd15:4ba5:5a2b:1008::1', gateway: 'fd15:4ba5:5a2b:1008::2' },
    });
  });

  it('without nat.conf and dhcpd.conf it is the networking file alone', () => {
    const alone = importVmwareFiles({ networking: filesOf(folder).networking! });
    expect(alone.config).toEqual(importVmware(path.join(folder, 'networking')).config);
    expect(alone.config).not.toEqual(fromDisk.config);
  });

  it("says which sent file is broken, and that a folder without networking is not VMware's", () => {
    expect(() => importVmwareFiles({ 'vmnet8/nat/nat.conf': '[host]\n' }, 'stuff')).toThrow(/stuff.*has no "networking" file/);
    const files = filesOf(folder);
    files['vmnet8/dhcpd/dhcpd.conf'] = 'subnet 172.16.160.0 netmask 255.255.255.0 {\n  range 1.2.3\n';
    expect(() => importVmwareFiles(files, 'etc-vmware')).toThrow(/etc-vmware\/vmnet8\/dhcpd\/dhcpd\.conf/);
    expect(() => importVmwareFiles({ networking: 'answer\u0000' }, 'etc-vmware')).toThrow(/not a text file/);
  });

  it('the memory reader sees only the files it was given, inside its folder', () => {
    const reader = memoryReader('etc-vmware', { networking: 'x' });
    expect(reader.isFolder('etc-vmware')).toBe(true);
    expect(reader.exists('etc-vmware/networking')).toBe(true);
    expect(reader.exists('etc-vmware/../networking')).toBe(false);
    expect(reader.exists('/etc/vmware/networking')).toBe(false);
    expect(() => reader.readText('etc-vmware/vmnet8/nat/nat.conf')).toThrow(/no such file/);
  });

  it('the import channel builds it from the sent files, naming only the folder', async () => {
    const result = await runImport(migration, { from: 'vmware', files: filesOf(folder), fileName: '/home/user/etc-vmware' });
    expect(result.config).toEqual(fromDisk.config);
    await expect(runImport(migration, { from: 'vmware', files: { 'vmnet1/dhcpd/dhcpd.conf': '' }, fileName: '../../etc' })).rejects.toThrow(
      /^etc: has no "networking" file/,
    );
    await expect(runImport(migration, { from: 'vmware', files: { 'vmnet1/dhcpd/dhcpd.conf': '' }, fileName: '..' })).rejects.toThrow(
      /^the uploaded folder: has no "networking" file/,
    );
  });
});
