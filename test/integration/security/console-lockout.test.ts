// Item 7 of the security review: another local user (here: nobody, in a child process of
// that uid) hammering the web console with wrong tokens must not lock out its owner.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { startConsole } from '../../../src-main/console/server';
import { fakeFrontDoor } from '../../unit/helper/fakes';

const NOBODY = 65534;

const GUESS = `
const http = require('http');
const [port, count] = process.argv.slice(1).map(Number);
let statuses = [];
const one = (i) => new Promise((resolve) => {
  http.get({ host: '127.0.0.1', port, path: '/?token=guess' + i }, (res) => { res.resume(); statuses.push(res.statusCode); resolve(); })
    .on('error', () => { statuses.push(0); resolve(); });
});
(async () => { for (let i = 0; i < count; i++) await one(i); console.log(statuses.join(' ')); })();`;

function guessAs(uid: number, port: number, count: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', GUESS, String(port), String(count)], { uid, gid: uid, timeout: 30_000 }, (_e, stdout) =>
      resolve(stdout.trim()),
    );
  });
}

function tryToken(port: number, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: `/?token=${token}` }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('web console token lockout (security item 7)', () => {
  it('token lockout: a local user guessing wrong tokens locks only themselves; the owner still gets in', async () => {
    expect(process.getuid?.(), 'switches to another uid, so runs as root').toBe(0);
    const door = fakeFrontDoor();
    const server = await startConsole({
      dispatcher: door.dispatcher,
      events: door.events,
      rendererDir: '/nonexistent',
      port: 0,
      maxFailures: 3,
    });
    try {
      const statuses = (await guessAs(NOBODY, server.port, 6)).split(' ');
      expect(statuses.slice(0, 3)).toEqual(['401', '401', '401']);
      expect(statuses.slice(3)).toEqual(['429', '429', '429']);
      expect(await tryToken(server.port, server.token)).toBe(303);
    } finally {
      await server.close();
      door.events.close();
    }
  });
});
