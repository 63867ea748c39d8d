// How fast can anyone guess the web console's token? The Guard's doubling lock, driven by
// a fake clock through an hour of non-stop guessing: the guesses it lets through, and the
// right token refused while locked. (Host, Origin, WebSocket and cookie checks over real
// HTTP are in test/unit/console/console.test.ts.)
import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { Guard, newSecret } from '../../../src-main/console/auth';

const ATTACKER = 'uid:65534';
const OWNER = 'uid:1000';

describe('token guessing against the web console', () => {
  it('an hour of non-stop guessing gets only a few dozen tries at a 192-bit token', () => {
    let now = 0;
    const token = newSecret();
    const guard = new Guard({ token, port: 4321, now: () => now });
    let tries = 0;
    let longestLock = 0;
    while (now < 3_600_000) {
      const verdict = guard.exchangeToken(`guess-${tries}`, ATTACKER);
      if (verdict.ok) throw new Error('a wrong token was accepted');
      if (verdict.status === 429) {
        const seconds = Number(/try again in (\d+) s/.exec(verdict.reason)![1]);
        longestLock = Math.max(longestLock, seconds);
        // The lock is the guesser's: the same user cannot test even the right token while it holds…
        expect(guard.exchangeToken(token, ATTACKER).ok).toBe(false);
        // …while the console's owner, another user, always gets in (security item 7).
        expect(guard.exchangeToken(token, OWNER).ok).toBe(true);
        now += seconds * 1000;
      } else {
        expect(verdict.status).toBe(401);
        tries += 1;
        now += 10; // as fast as the attacker can send them
      }
    }
    console.log(
      `[reliability] token guessing: ${tries} guesses in one hour (longest lock ${longestLock} s), token of ${Buffer.from(token, 'base64url').length * 8} bits`,
    );
    expect(Buffer.from(token, 'base64url').length * 8).toBe(192);
    expect(tries).toBeLessThan(40);
    expect(longestLock).toBe(300);
    // After the lock, the right token still works (the owner is never locked out for good).
    now += 300_000;
    expect(guard.exchangeToken(token, ATTACKER).ok).toBe(true);
  });
});

describe('token lockout is per user (security item 7)', () => {
  it('token lockout: wrong guesses of one user never refuse the right token, nor Bearer, from another', () => {
    const now = 0;
    const token = newSecret();
    const guard = new Guard({ token, port: 4321, now: () => now });
    for (let i = 0; i < 20; i++) guard.exchangeToken(`guess-${i}`, ATTACKER);
    expect(guard.exchangeToken('guess-x', ATTACKER)).toMatchObject({ ok: false, status: 429 });
    expect(guard.exchangeToken(token, OWNER)).toMatchObject({ ok: true });
    const bearer = { headers: { authorization: `Bearer ${token}` } } as unknown as IncomingMessage;
    expect(guard.checkSession(bearer, OWNER)).toEqual({ ok: true });
  });
});

describe('the Guard asks who is on a connection only when the answer matters', () => {
  it('the right token and a session need no lookup; a wrong guess, a lock held by somebody and a Bearer token do', () => {
    const token = newSecret();
    const guard = new Guard({ token, port: 4321 });
    const asked: string[] = [];
    const who = (uid: string) => () => (asked.push(uid), uid);

    const first = guard.exchangeToken(token, who(OWNER));
    expect(first.ok).toBe(true);
    const cookie = { headers: { cookie: `vnet_session_4321=${first.session}` } } as unknown as IncomingMessage;
    expect(guard.checkSession(cookie, who(OWNER))).toEqual({ ok: true });
    expect(asked).toEqual([]);

    expect(guard.exchangeToken('guess', who(ATTACKER))).toMatchObject({ ok: false, status: 401 });
    expect(asked).toEqual([ATTACKER]);
    // Somebody has strikes now: the right token is checked against who sends it.
    expect(guard.exchangeToken(token, who(OWNER)).ok).toBe(true);
    expect(asked).toEqual([ATTACKER, OWNER]);
    const bearer = { headers: { authorization: `Bearer ${token}` } } as unknown as IncomingMessage;
    expect(guard.checkSession(bearer, who(OWNER))).toEqual({ ok: true });
    expect(asked).toEqual([ATTACKER, OWNER, OWNER]);
  });
});
