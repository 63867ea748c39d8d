// Export: the version-1 config as text, exactly as the store writes networks.json,
// so an exported file can be imported with `vnet apply --config FILE` on another host.
import { ConfigError, validateConfig, type Config } from '../../src-shared/model';

/** The config as version-1 JSON text; refuses (ConfigError) a config that does not validate. */
export function exportConfig(config: Config): string {
  const result = validateConfig(config);
  if (!result.ok) throw new ConfigError(result.errors);
  return `${JSON.stringify(result.config, null, 2)}\n`;
}
