// The two raw entry points, fuzzed: the helper's socket with hostile frames, and the web
// console's API with hostile bodies. Whatever arrives, each gets one clear refusal (or, for
// the rare well-formed request, its answer), nothing runs that the contract refuses, and the
// server keeps serving afterwards.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS, isPrivilegedChannel, parseRequest, type Channel } from '../../../src-shared/ipc/contract';
import { startHelperServer } from '../../../src-main/helper/server';
import { startConsole } from '../../../src-main/console/server';
import { exampleConfig, fakeFrontDoor, fakeHost } from '../helper/fakes';

const MUTATING = new Set(['apply', 'setAdapter', 'restartService']);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const channelName = fc.oneof(
  fc.constantFrom(...CHANNELS),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '../apply', 'apply\u0000', 'APPLY', ''),
  fc.string({ maxLength: 70 }),
);
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant({ config: exampleConfig() }),
  fc.constant({ config: { ...exampleConfig(), extra: 1 } }),
  fc.constant(JSON.parse('{"__proto__":{"polluted":true},"config":{"version":1,"networks":[]}}')),
  fc.constant({ name: 'eth0', up: false }),
  fc.constant({ network: '../../etc', service: 'dhcp' }),
);

/** Whether the contract accepts this request for a host-changing channel (then running it is right). */
function mayChange(channel: unknown, request: unknown): boolean {
  return typeof channel === 'string' && MUTATING.has(channel) && isPrivilegedChannel(channel) && parseRequest(channel, request).ok;
}

describe('helper socket fuzz', () => {
  it('helper fuzz: 2,000 hostile frames on one connection: one answer each, only contract-valid changes run, the helper keeps serving', async () => {
    const fake = fakeHost();
    const socketPath = path.join(dir, 'run', '1000', 'helper.sock');
    const helper = await startHelperServer({ handlers: fake.handlers, socketPath, ownerUid: process.getuid!() });
    try {
      const frame = fc.oneof(
        fc.string({ maxLength: 200 }).map((s) => s.replace(/\n/g, ' ')),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc
          .record({ id: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()), channel: channelName, request: hostileValue })
          .map((f) => JSON.stringify(f)),
        fc.constant('{"id":1,"channel":"apply","request":{"config":'.padEnd(5000, '[')),
      );
      const lines = fc.sample(frame, { numRuns: 2000, seed: 20261201 }).filter((l) => l.trim() !== '');
      let expectedChanges = 0;
      for (const line of lines) {
        try {
          const parsed = JSON.parse(line) as { id?: unknown; channel?: unknown; request?: unknown };
          if (
            typeof parsed?.id === 'number' &&
            Number.isSafeInteger(parsed.id) &&
            parsed.id >= 0 &&
            mayChange(parsed.channel, parsed.request)
          )
            expectedChanges += 1;
        } catch {
          // not JSON: refused
        }
      }
      const socket = net.createConnection(socketPath);
      const answers: { ok?: boolean; event?: string; error?: { code: string; message: string } }[] = [];
      let buffer = '';
      const done = new Promise<void>((resolve) => {
        socket.on('data', (chunk) => {
          buffer += chunk.toString('utf8');
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const answer = JSON.parse(buffer.slice(0, nl)) as (typeof answers)[number];
            buffer = buffer.slice(nl + 1);
            if (answer.event === undefined) answers.push(answer);
            if (answers.length === lines.length) resolve();
          }
        });
      });
      socket.write(`${lines.join('\n')}\n`);
      await done;
      socket.destroy();
      expect(answers).toHaveLength(lines.length);
      for (const a of answers.filter((x) => x.ok === false)) {
        expect(['invalid', 'denied', 'failed', 'unavailable']).toContain(a.error?.code);
        expect(a.error?.message.length).toBeGreaterThan(0);
      }
      const changes = fake.calls.filter((c) => /^(apply|switch|restart) /.test(c));
      // Never more than the contract allows (the handlers' ownership rules may refuse some of those too).
      expect(changes.length).toBeLessThanOrEqual(expectedChanges);
      // The helper still serves a new connection.
      const again = net.createConnection(socketPath);
      const reply = await new Promise<string>((resolve) => {
        again.on('data', (d) => resolve(d.toString()));
        again.write(`${JSON.stringify({ id: 5, channel: 'status', request: {} })}\n`);
      });
      again.destroy();
      expect(JSON.parse(reply)).toMatchObject({ id: 5, ok: true });
    } finally {
      await helper.close();
    }
  }, 120_000); // 2,000 frames: the bound only stops a hang on a loaded machine
});

function post(port: number, token: string, pathName: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: pathName,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('console API fuzz', () => {
  it('console fuzz: 300 hostile bodies and channel paths: JSON refusals, no server error, only contract-valid changes run', async () => {
    const door = fakeFrontDoor();
    const server = await startConsole({ dispatcher: door.dispatcher, events: door.events, rendererDir: '/nonexistent', port: 0 });
    try {
      const cases = fc.sample(
        fc.record({
          channel: channelName,
          body: fc.oneof(
            fc.string({ maxLength: 300 }),
            hostileValue.map((v) => JSON.stringify(v)),
            fc.constant('['.repeat(100_000)),
            fc.constant(`{"config":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`),
          ),
        }),
        { numRuns: 300, seed: 20261201 },
      );
      let expectedChanges = 0;
      for (const c of cases) {
        const pathName = `/api/${encodeURIComponent(c.channel)}`;
        const reply = await post(server.port, server.token, pathName, c.body);
        expect(reply.status, `${c.channel}: ${c.body.slice(0, 80)}`).not.toBe(500);
        expect([200, 400, 403, 404, 413, 415, 503]).toContain(reply.status);
        const envelope = JSON.parse(reply.body) as { ok: boolean; error?: { message: string } };
        if (!envelope.ok) expect(envelope.error?.message.length).toBeGreaterThan(0);
        let payload: unknown;
        try {
          payload = c.body === '' ? {} : JSON.parse(c.body);
        } catch {
          continue;
        }
        if (mayChange(c.channel as Channel, payload)) expectedChanges += 1;
      }
      expect(door.calls.filter((c) => /^(apply|switch|restart) /.test(c)).length).toBeLessThanOrEqual(expectedChanges);
      const alive = await post(server.port, server.token, '/api/status', '{}');
      expect(alive.status).toBe(200);
    } finally {
      await server.close();
      door.events.close();
    }
    // 300 requests, some of them 100 kB of brackets: seconds on a quiet machine, over 20 s on a
    // loaded CI machine. The bound only stops a hang.
  }, 120_000);
});
