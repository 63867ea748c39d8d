// The web console's front door: a secret token printed once, exchanged for an
// HttpOnly SameSite=Strict session cookie; requests must name the loopback address
// and port as Host (against DNS rebinding) and carry no foreign Origin (against
// cross-site requests); repeated wrong tokens lock token checks for a while, for the user
// who sent them only (see peer.ts): the right token from anyone else always gets in.
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Cookies ignore ports: one name per console port, so two consoles do not sign each other out. */
export const sessionCookieName = (port: number) => `vnet_session_${port}`;

export function newSecret(): string {
  return crypto.randomBytes(24).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403 | 429; reason: string };

/**
 * Who is asking (peerOf), or how to find out. Finding out reads /proc/net/tcp, ~5 ms on this
 * kernel even in an empty namespace, so the Guard asks only when an answer depends on it:
 * a wrong guess, or a lock held by somebody.
 */
export type Client = string | (() => string);

const askWho = (client: Client): string => (typeof client === 'function' ? client() : client);

export interface GuardOptions {
  token: string;
  port: number;
  /** Wrong tokens or sessions allowed before token checks lock. */
  maxFailures?: number;
  now?: () => number;
}

/** Wrong guesses of one client (a local user) and how long their token checks are locked. */
interface Strikes {
  failures: number;
  lockedUntil: number;
}

export class Guard {
  private readonly sessions = new Set<string>();
  private readonly strikes = new Map<string, Strikes>();
  private readonly maxFailures: number;
  private readonly now: () => number;
  readonly hosts: ReadonlySet<string>;
  readonly origins: ReadonlySet<string>;

  constructor(private readonly options: GuardOptions) {
    this.maxFailures = options.maxFailures ?? 10;
    this.now = options.now ?? Date.now;
    this.hosts = new Set([`127.0.0.1:${options.port}`, `localhost:${options.port}`]);
    this.origins = new Set([...this.hosts].map((h) => `http://${h}`));
  }

  /** Host and Origin checks, made before anything else (also for WebSocket upgrades). */
  checkSite(req: IncomingMessage): Verdict {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!this.hosts.has(host)) return { ok: false, status: 403, reason: `requests must be addressed to 127.0.0.1:${this.options.port}` };
    const origin = req.headers.origin;
    if (origin !== undefined && !this.origins.has(origin.toLowerCase())) {
      return { ok: false, status: 403, reason: 'requests from other sites are refused' };
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') return { ok: false, status: 403, reason: 'requests from other sites are refused' };
    return { ok: true };
  }

  private strikesOf(client: string): Strikes {
    let strikes = this.strikes.get(client);
    if (!strikes) {
      strikes = { failures: 0, lockedUntil: 0 };
      this.strikes.set(client, strikes);
    }
    return strikes;
  }

  private locked(client: string): Verdict | undefined {
    const wait = (this.strikes.get(client)?.lockedUntil ?? 0) - this.now();
    return wait > 0 ? { ok: false, status: 429, reason: `too many wrong tokens; try again in ${Math.ceil(wait / 1000)} s` } : undefined;
  }

  private fail(client: string, reason: string): Verdict {
    const strikes = this.strikesOf(client);
    strikes.failures += 1;
    if (strikes.failures >= this.maxFailures) {
      // Doubling lock: 1 s, 2 s, 4 s … up to 5 minutes.
      const seconds = Math.min(300, 2 ** (strikes.failures - this.maxFailures));
      strikes.lockedUntil = this.now() + seconds * 1000;
    }
    return { ok: false, status: 401, reason };
  }

  /**
   * Checks the URL token; on success returns a new session id to set as the cookie. `client`
   * says who is asking (peerOf): a lock holds only for the client whose guesses earned it.
   */
  exchangeToken(token: string, client: Client = 'unknown'): Verdict & { session?: string } {
    // Without strikes nobody is locked, and the right token has nothing to reset.
    const who = this.strikes.size > 0 ? askWho(client) : undefined;
    const locked = who === undefined ? undefined : this.locked(who);
    if (locked) return locked;
    if (!sameSecret(token, this.options.token)) return this.fail(who ?? askWho(client), 'wrong token; open the URL `vnet serve` printed');
    if (who !== undefined) this.strikes.delete(who);
    const session = newSecret();
    this.sessions.add(session);
    return { ok: true, session };
  }

  /**
   * A request is authenticated by its session cookie, or by `Authorization: Bearer TOKEN`
   * (scripts). A wrong bearer token counts as a guess; an unknown session cookie does not
   * (sessions are far too long to guess, and a stale one is just a restarted console).
   */
  checkSession(req: IncomingMessage, client: Client = 'unknown'): Verdict {
    const session = parseCookies(req.headers.cookie).get(sessionCookieName(this.options.port));
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (session === undefined && bearer === undefined) {
      return { ok: false, status: 401, reason: 'not signed in; open the URL `vnet serve` printed (it carries the token)' };
    }
    if (session !== undefined && [...this.sessions].some((s) => sameSecret(s, session))) return { ok: true };
    if (bearer !== undefined) {
      const who = askWho(client);
      const locked = this.locked(who);
      if (locked) return locked;
      if (sameSecret(bearer, this.options.token)) return { ok: true };
      return this.fail(who, 'wrong token');
    }
    return { ok: false, status: 401, reason: 'the session is not valid (the console was restarted?); open the URL `vnet serve` printed' };
  }

  sessionCookie(session: string): string {
    return `${sessionCookieName(this.options.port)}=${session}; HttpOnly; SameSite=Strict; Path=/`;
  }
}
