// Shared by the importer tests: fixture paths and small lookups into an imported config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { validateConfig, type Config, type Network, type NatNetwork, type RoutedNetwork } from '../../../src-shared/model';
import { ImportError } from '../../../src-main/import';

export const fixtures = path.join(__dirname, '../../fixtures');
export const vmwareFixture = (...parts: string[]): string => path.join(fixtures, 'vmware', ...parts);
export const libvirtFixture = (...parts: string[]): string => path.join(fixtures, 'libvirt', ...parts);

export function network(config: Config, name: string): Network {
  const found = config.networks.find((n) => n.name === name);
  if (!found) throw new Error(`no network ${name} in ${config.networks.map((n) => n.name).join(', ')}`);
  return found;
}

export function routed(config: Config, name: string): RoutedNetwork {
  const n = network(config, name);
  if (n.type === 'bridged') throw new Error(`${name} is bridged`);
  return n;
}

export function nat(config: Config, name: string): NatNetwork {
  const n = network(config, name);
  if (n.type !== 'nat') throw new Error(`${name} is ${n.type}, not NAT`);
  return n;
}

export function expectValid(config: Config): void {
  const result = validateConfig(config);
  expect(result.ok ? [] : result.errors).toEqual([]);
}

/** Runs an import that must fail and returns its ImportError. */
export function importError(run: () => unknown): ImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof ImportError) return error;
    throw error;
  }
  throw new Error('the import succeeded but should have failed');
}

/** A temporary folder with the given files (relative path → text); removed by the caller. */
export function tempTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnet-import-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
