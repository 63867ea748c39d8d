// The stored config: VNET_CONFIG_DIR/networks.json, written atomically with the
// previous version kept as networks.json.bak. A corrupt stored file is reported,
// never silently replaced.
import fs from 'node:fs';
import { ConfigError, parseConfigText, type Config } from '../../src-shared/model';
import { backupFile, configFile, type Dirs } from '../paths';
import { writeFileAtomic, type AtomicWriteOptions } from './atomic-write';

export type StoredConfig = { kind: 'missing' } | { kind: 'ok'; config: Config };

export class ConfigStore {
  constructor(readonly dirs: Dirs) {}

  get file(): string {
    return configFile(this.dirs);
  }

  get backup(): string {
    return backupFile(this.dirs);
  }

  /** Reads the stored config; throws ConfigError (naming the file) when it is corrupt or invalid. */
  read(): StoredConfig {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw error;
    }
    const result = parseConfigText(text);
    if (!result.ok) {
      throw new ConfigError([
        {
          path: [],
          message: `the stored config ${this.file} is unusable; it was left as it is (the previous version is in ${this.backup})`,
        },
        ...result.errors,
      ]);
    }
    return { kind: 'ok', config: result.config };
  }

  /** Stores a validated config; the version it replaces becomes the backup. */
  write(config: Config, options: AtomicWriteOptions = {}): void {
    const text = `${JSON.stringify(config, null, 2)}\n`;
    if (fs.existsSync(this.file)) {
      const previous = fs.readFileSync(this.file);
      if (previous.toString('utf8') === text) return;
      writeFileAtomic(this.backup, previous);
    }
    writeFileAtomic(this.file, text, options);
  }

  remove(): void {
    fs.rmSync(this.file, { force: true });
  }
}
