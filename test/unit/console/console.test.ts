// The web console's front door: token → session cookie, Host and Origin checks,
// WebSocket upgrades, token guessing, loopback only, CSP; and the API behind it.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole, type ConsoleServer } from '../../../src-main/console/server';
import { exampleConfig, fakeFrontDoor } from '../helper/fakes';
import { inertJson } from '../../../src-main/console/first-page';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string; host?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/',
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
        setHost: false,
      } as http.RequestOptions,
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends a raw WebSocket upgrade and returns the status line. */
function upgrade(port: number, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(port, '127.0.0.1', () => {
      const lines = [
        'GET /api/events HTTP/1.1',
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('web console', () => {
  let door: ReturnType<typeof fakeFrontDoor>;
  let server: ConsoleServer;
  let rendererDir: string;
  let cookie: string;

  beforeAll(async () => {
    rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-renderer-'));
    fs.writeFileSync(
      path.join(rendererDir, 'index.html'),
      '<!doctype html><title>editor</title><script type="module" src="./app.js"></script>',
    );
    fs.writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)');
    door = fakeFrontDoor();
    server = await startConsole({ dispatcher: door.dispatcher, events: door.events, rendererDir, port: 0, maxFailures: 5 });
    const signIn = await request(server.port, { path: `/?token=${server.token}` });
    cookie = String(signIn.headers['set-cookie']?.[0]).split(';')[0]!;
  });

  afterAll(async () => {
    await server.close();
    door.events.close();
    fs.rmSync(rendererDir, { recursive: true, force: true });
  });

  const api = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    request(server.port, {
      method: 'POST',
      path: `/api/${channel}`,
      headers: { 'content-type': 'application/json', cookie, ...headers },
      body: JSON.stringify(body),
    });

  it('prints a loopback URL with the token and listens on 127.0.0.1 only', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
    // Another loopback address on the same port: nobody listens there.
    await expect(
      new Promise((resolve, reject) => {
        const s = net.createConnection(server.port, '127.0.0.2', () => resolve(s.destroy()));
        s.on('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('turns the token into an HttpOnly SameSite=Strict cookie and strips it from the URL', async () => {
    const reply = await request(server.port, { path: `/?token=${server.token}` });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    const setCookie = String(reply.headers['set-cookie']?.[0]);
    expect(setCookie).toMatch(new RegExp(`^vnet_session_${server.port}=[A-Za-z0-9_-]{32}; `));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(server.token);
    const page = await request(server.port, { path: '/', headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>editor</title>');
  });

  it('refuses requests without a session or with a wrong token', async () => {
    expect((await request(server.port, { path: '/' })).status).toBe(401);
    expect(
      (await request(server.port, { method: 'POST', path: '/api/status', headers: { 'content-type': 'application/json' }, body: '{}' }))
        .status,
    ).toBe(401);
    expect((await request(server.port, { path: '/api/events' })).status).toBe(401);
    expect((await request(server.port, { path: '/', headers: { cookie: `vnet_session_${server.port}=forged` } })).status).toBe(401);
    expect((await request(server.port, { path: '/?token=wrong' })).status).toBe(401);
  });

  it('refuses a foreign Host (DNS rebinding), even with a valid session', async () => {
    for (const host of [
      'evil.example:80',
      `evil.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      `192.168.1.5:${server.port}`,
      '',
    ]) {
      expect((await request(server.port, { path: '/', host, headers: { cookie } })).status, host).toBe(403);
    }
    expect((await request(server.port, { path: `/?token=${server.token}`, host: `attacker.example:${server.port}` })).status).toBe(403);
    expect((await request(server.port, { path: '/', host: `localhost:${server.port}`, headers: { cookie } })).status).toBe(200);
  });

  it('refuses a foreign Origin (CSRF), even with a valid session', async () => {
    expect((await api('status', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('status', {}, { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await api('status', {}, { origin: 'null' })).status).toBe(403);
    expect((await api('status', {}, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await api('status', {}, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('refuses WebSocket upgrades without a session, from foreign Origins or Hosts', async () => {
    const host = `127.0.0.1:${server.port}`;
    expect(await upgrade(server.port, { Host: host })).toMatch(/^HTTP\/1\.1 401/);
    expect(await upgrade(server.port, { Host: host, Cookie: `vnet_session_${server.port}=forged` })).toMatch(/^HTTP\/1\.1 401/);
    expect(await upgrade(server.port, { Host: host, Cookie: cookie, Origin: 'http://evil.example' })).toMatch(/^HTTP\/1\.1 403/);
    expect(await upgrade(server.port, { Host: `evil.example:${server.port}`, Cookie: cookie })).toMatch(/^HTTP\/1\.1 403/);
    expect(await upgrade(server.port, { Host: host, Cookie: cookie })).toMatch(/^HTTP\/1\.1 404/);
  });

  it('sends a strict CSP and other protective headers on every answer', async () => {
    for (const reply of [
      await request(server.port, { path: '/', headers: { cookie } }),
      await request(server.port, { path: '/' }),
      await api('status', {}),
    ]) {
      const csp = String(reply.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves the API: plan reaches the backend, invalid configs name the path, unknown channels are refused', async () => {
    const plan = await api('plan', { config: exampleConfig() });
    expect(plan.status).toBe(200);
    expect(JSON.parse(plan.body)).toMatchObject({ ok: true, result: { operations: [{ op: 'create-bridge' }] } });
    const bad = exampleConfig() as unknown as { networks: { dhcp?: { rangeEnd: string } }[] };
    bad.networks[2]!.dhcp!.rangeEnd = '10.0.0.300';
    const invalid = await api('plan', { config: bad });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.message).toMatch(/config\.networks\[2\]\.dhcp\.rangeEnd/);
    expect((await api('rm', {})).status).toBe(403);
    expect((await api('leases', { network: 'docker0' })).status).toBe(403);
    const form = await request(server.port, {
      method: 'POST',
      path: '/api/status',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    expect((await request(server.port, { method: 'GET', path: '/api/status', headers: { cookie } })).status).toBe(405);
    const huge = await request(server.port, {
      method: 'POST',
      path: '/api/validateConfig',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ config: 'x'.repeat(3 * 1024 * 1024) }),
    }).catch((e: NodeJS.ErrnoException) => ({ status: e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 413 : 0 }));
    expect(huge.status).toBe(413);
  });

  it('imports uploaded text without keeping it and names the uploaded file in errors', async () => {
    const ok = await api('importConfig', { from: 'libvirt', content: '<network><name>default</name></network>', fileName: 'default.xml' });
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, result: { notes: ['from libvirt'] } });
    const bad = await api('importConfig', { from: 'libvirt', content: 'hello', fileName: 'notes.txt' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/^notes\.txt: line 1: not a libvirt network/);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('vnet-import-'))).toEqual([]);
  });

  it("sends the editor's page with the stored settings in a data block after its scripts", async () => {
    const reply = await request(server.port, { path: '/', headers: { cookie } });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const block = /<script type="application\/json" id="vnet-first-config">(.*?)<\/script>/s.exec(reply.body);
    expect(block, reply.body).not.toBeNull();
    expect(JSON.parse(block![1]!)).toEqual({ ok: true, result: { config: exampleConfig(), source: 'stored', warnings: [] } });
    expect(reply.body.indexOf('vnet-first-config')).toBeGreaterThan(reply.body.indexOf('app.js'));
  });

  it('writes the settings so that no text in them can close the data block', () => {
    const text = inertJson({ label: '</script><script>alert(1)</script><!--' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ label: '</script><script>alert(1)</script><!--' });
  });

  it('serves the editor files but nothing outside their folder', async () => {
    expect((await request(server.port, { path: '/app.js', headers: { cookie } })).headers['content-type']).toMatch(/javascript/);
    for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%00']) {
      const reply = await request(server.port, { path: p, headers: { cookie } });
      expect(reply.status, p).toBe(404);
      expect(reply.body).not.toContain('root:');
    }
  });

  it('streams events to a signed-in browser', async () => {
    const events = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { cookie } }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        let data = '';
        res.on('data', (c) => {
          data += c.toString();
          if (data.includes('event: adapterRates')) {
            req.destroy();
            resolve(data);
          }
        });
      });
      req.on('error', reject);
    });
    expect(events).toMatch(/event: adapterRates\ndata: \[\{"name":"lo","rxBytesPerSecond":1,"txBytesPerSecond":2\}/);
  });
});

describe('token guessing', () => {
  it('does not count stale session cookies as guesses', async () => {
    const door = fakeFrontDoor();
    const server = await startConsole({
      dispatcher: door.dispatcher,
      events: door.events,
      rendererDir: '/nonexistent',
      port: 0,
      maxFailures: 2,
    });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await request(server.port, { path: '/', headers: { cookie: `vnet_session_${server.port}=stale${i}` } })).status).toBe(401);
      }
      expect((await request(server.port, { path: `/?token=${server.token}` })).status).toBe(303);
      // Bearer tokens are guesses, though.
      for (const t of ['a', 'b'])
        expect((await request(server.port, { path: '/', headers: { authorization: `Bearer ${t}` } })).status).toBe(401);
      expect((await request(server.port, { path: '/', headers: { authorization: `Bearer ${server.token}` } })).status).toBe(429);
    } finally {
      await server.close();
      door.events.close();
    }
  });

  it('locks token checks after repeated wrong tokens', async () => {
    const door = fakeFrontDoor();
    const server = await startConsole({
      dispatcher: door.dispatcher,
      events: door.events,
      rendererDir: '/nonexistent',
      port: 0,
      maxFailures: 3,
    });
    try {
      const tryToken = (t: string) => request(server.port, { path: `/?token=${t}` });
      expect((await tryToken('a')).status).toBe(401);
      expect((await tryToken('b')).status).toBe(401);
      expect((await tryToken('c')).status).toBe(401);
      // Locked: even the right token waits now.
      const locked = await tryToken(server.token);
      expect(locked.status).toBe(429);
      expect(JSON.parse(locked.body).error.message).toMatch(/too many wrong tokens/);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await tryToken(server.token)).status).toBe(303);
    } finally {
      await server.close();
      door.events.close();
    }
  });

  it('shows a clear page when the editor is not built', async () => {
    const door = fakeFrontDoor();
    const server = await startConsole({ dispatcher: door.dispatcher, events: door.events, rendererDir: '/nonexistent', port: 0 });
    try {
      const page = await request(server.port, { path: '/', headers: { authorization: `Bearer ${server.token}` } });
      expect(page.status).toBe(200);
      expect(page.body).toContain('The editor is not built yet');
      expect(page.body).toContain('node scripts/build.mjs renderer');
    } finally {
      await server.close();
      door.events.close();
    }
  });
});
