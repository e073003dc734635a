import { readFileSync, statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { validatePlain } from '@jarvis/contracts';
import { JarvisConfig } from './jarvis-config.js';

/** Config files are small; a cap stops an accidental multi-gigabyte read or an alias bomb's expansion. */
const MAX_CONFIG_BYTES = 256 * 1024;
const MAX_ALIAS_COUNT = 50;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function defaultConfig(): JarvisConfig {
  return new JarvisConfig();
}

/** Reads and validates `jarvis.yaml`; throws ConfigError naming the file, the path in it and the reason. */
export function loadConfigFile(file: string): JarvisConfig {
  let text: string;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ConfigError(file, ['(file): not a regular file']);
    if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError(file, [`(file): ${stat.size} bytes, the limit is ${MAX_CONFIG_BYTES}`]);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(file, [`(file): cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = 'jarvis.yaml'): JarvisConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(file, doc.errors.map((e) => `(yaml) line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`));
  }
  let plain: unknown;
  try {
    plain = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    throw new ConfigError(file, [`(yaml): ${(error as Error).message}`]);
  }
  const merged = withDefaults(plain);
  const result = validatePlain(JarvisConfig, merged);
  if (!result.ok) throw new ConfigError(file, result.errors);
  return result.value;
}

/** Missing sections and keys take the defaults; present ones are validated as given. */
function withDefaults(plain: unknown): unknown {
  return deepMerge(JSON.parse(JSON.stringify(defaultConfig())) as unknown, plain);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return override === undefined ? base : override;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) result[key] = deepMerge(base[key], value);
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
