// Who is on the other end of a loopback connection: the uid owning the client socket, read
// from /proc/net/tcp. Wrong-token counting is per user, so one local user guessing can slow
// down only their own guesses, never lock the console's owner out.
import fs from 'node:fs';
import type { Socket } from 'node:net';

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/** `uid:N` for the process that owns the client end of `socket`, or `unknown` when it cannot be told. */
export function peerOf(socket: Pick<Socket, 'remotePort' | 'localPort'>, table = readTcpTable()): string {
  const { remotePort, localPort } = socket;
  if (remotePort === undefined || localPort === undefined) return 'unknown';
  // The client's socket has our peer's port as its local end and our port as its remote end.
  const local = `:${hexPort(remotePort)}`;
  const remote = `:${hexPort(localPort)}`;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(local) && fields[2]?.endsWith(remote) && /^\d+$/.test(fields[7] ?? '')) return `uid:${fields[7]}`;
  }
  return 'unknown';
}

function readTcpTable(): string {
  try {
    return fs.readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return '';
  }
}
