// After the suite: no namespace of ours may be left (each test deletes its own; a
// leftover means a teardown failed, and the run fails so somebody looks).
import { execFileSync } from 'node:child_process';
import { NS_TAG } from './lab';

export default function globalTeardown(): void {
  const names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(`vne-${NS_TAG}`));
  if (names.length > 0) throw new Error(`network namespaces left behind by the e2e suite: ${names.join(', ')}`);
}
