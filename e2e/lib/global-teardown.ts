// After the suite: no namespace of ours may be left. Each test deletes its own; a
// leftover means a teardown did not run (a crashed worker): it is removed here, with
// every process still in it, and the run fails so somebody looks.
import { execFileSync } from 'node:child_process';
import { NS_TAG } from './lab';

function quiet(argv: string[]): string {
  try {
    return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  } catch {
    return '';
  }
}

export default function globalTeardown(): void {
  const names = quiet(['ip', 'netns', 'list'])
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`vne-${NS_TAG}`));
  for (const name of names) {
    for (const pid of quiet(['ip', 'netns', 'pids', name]).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    quiet(['ip', 'netns', 'del', name]);
  }
  if (names.length > 0) throw new Error(`network namespaces left behind by the e2e suite (now removed): ${names.join(', ')}`);
}
