// The fingerprint of the app's nftables table: what the journal records after a load, and what
// each inspection compares it with, to tell a table changed outside the app (repaired by the
// next apply, reported by status and doctor) from one as the app left it.
import crypto from 'node:crypto';
import type { NftItem } from './inspect';
import type { Journal } from './types';

const FINGERPRINT_PREFIX = 'v2:';
/** Older versions' fingerprints: a bare sha256, of a listing with protocols named and keys sorted. */
const OLDER_FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Digest of a table listing without handles: equal digests mean the same rules, chains, maps and
 * elements. nft prints an object's keys in one order, so the listing is hashed as it came.
 */
export function tableFingerprint(items: NftItem[]): string {
  const relevant = items.filter((item) => !('metainfo' in item));
  const text = JSON.stringify(relevant, (key, value: unknown) => (key === 'handle' ? undefined : value));
  return `${FINGERPRINT_PREFIX}${crypto.createHash('sha256').update(text).digest('hex')}`;
}

/**
 * The fingerprint the journal holds of the table as the app last loaded it, or undefined when none is
 * recorded or an older version of the app recorded it in another format: the table is then neither
 * known to be intact nor known to be changed (the next apply reloads it and records a new one).
 */
export function recordedFingerprint(journal: Journal): string | undefined {
  const recorded = journal.table?.fingerprint;
  return recorded !== undefined && OLDER_FINGERPRINT.test(recorded) ? undefined : recorded;
}
