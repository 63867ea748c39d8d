// The editor's host is a thin mapping onto window.vnet: each call must reach the
// contract's channel with exactly the request shape the contract's schema accepts.
import { describe, expect, it } from 'vitest';
import { channels, type Channel } from '../../../src-shared/ipc/contract';
import { defaultConfig } from '../../../src-shared/model';
import { hostFromVnet } from '../../../src-renderer/src/host/vnet-host';
import { installVnet } from '../../../src-renderer/src/api';
import { createFakeHost } from './fake-host';

describe('hostFromVnet', () => {
  it('sends requests that the contract accepts, on the right channels', async () => {
    const api = createFakeHost();
    const host = hostFromVnet(api);
    const config = defaultConfig();
    await host.getConfig();
    await host.defaults();
    await host.plan(config);
    await host.apply(config);
    await host.apply(config, { trySeconds: 30 });
    await host.pendingTrial();
    await host.confirm();
    await host.revert();
    await host.leases();
    await host.doctor('vmnet8');
    await host.doctor();
    await host.adapters();
    await host.setAdapter('eth1', false);
    await host.setAdapter('eth0', false, 30);
    await host.rates();
    await host.services();
    await host.restartService('vmnet8', 'nat');
    await host.importConfig('libvirt', '<network/>', 'default.xml');
    await host.exportText(config);
    await host.saveExportFile(config);
    await host.appInfo();
    await host.appInfo();

    expect(api.calls.filter((c) => c.channel === 'appInfo')).toHaveLength(1);
    for (const call of api.calls) {
      const schema = channels[call.channel as Channel].request;
      const parsed = schema.safeParse(call.request ?? {});
      expect(parsed.success, `${call.channel} ${JSON.stringify(call.request)}`).toBe(true);
    }
    expect(api.calls.find((c) => c.channel === 'importConfig')!.request).toEqual({
      from: 'libvirt',
      content: '<network/>',
      fileName: 'default.xml',
    });
    expect(api.calls.filter((c) => c.channel === 'apply').map((c) => c.request)).toEqual([{ config }, { config, trySeconds: 30 }]);
    expect(api.calls.filter((c) => c.channel === 'doctor').map((c) => c.request)).toEqual([{ network: 'vmnet8' }, {}]);
  });

  it('turns a refused adapter switch into an error in plain words', async () => {
    const host = hostFromVnet(createFakeHost());
    await expect(host.setAdapter('nope0', false)).rejects.toThrow('there is no adapter named nope0');
  });
});

describe('the settings the web console sent with the page', () => {
  const answer = (result: unknown) => ({ status: 200, json: () => Promise.resolve({ ok: true, result }) }) as unknown as Response;

  it('answer the first getConfig without a request; later calls ask the host', async () => {
    const calls: string[] = [];
    let block: { textContent: string; remove: () => void } | null = {
      textContent: JSON.stringify({ ok: true, result: { source: 'page' } }),
      remove: () => (block = null),
    };
    const win = {
      document: { getElementById: (id: string) => (id === 'vnet-first-config' ? block : null) },
      fetch: (url: string, init: { body: string }) => {
        calls.push(`${url} ${init.body}`);
        return Promise.resolve(answer({ source: 'fetched' }));
      },
    } as unknown as Window;
    const api = installVnet(win);
    expect(await api.getConfig()).toEqual({ source: 'page' });
    expect(calls).toEqual([]);
    expect(block).toBeNull();
    expect(await api.getConfig()).toEqual({ source: 'fetched' });
    expect(await api.listAdapters()).toEqual({ source: 'fetched' });
    expect(calls).toEqual(['/api/getConfig {}', '/api/listAdapters {}']);
  });

  it('are not there in the desktop app, where every call goes to the preload’s window.vnet', async () => {
    const preload = createFakeHost();
    const win = { vnet: preload } as unknown as Window;
    expect(installVnet(win)).toBe(preload);
  });
});
