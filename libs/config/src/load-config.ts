import 'reflect-metadata';
import { readFileSync, statSync } from 'node:fs';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { parseDocument } from 'yaml';
import { configProblems, describeValue, swappedSectionsAndLists } from './config-problems.js';
import { validateDiskFolders } from './disk-config.js';
import { JarvisConfig } from './jarvis-config.js';

/** Config files are small; a cap stops an accidental multi-gigabyte read or an alias bomb's expansion. */
const MAX_CONFIG_BYTES = 256 * 1024;
const MAX_ALIAS_COUNT = 50;

/** Where a commented example with every setting lives, for messages that tell how to get a working file. */
export const SAMPLE_CONFIG = 'infra/config/jarvis.sample.yaml';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
    headline = 'invalid configuration',
  ) {
    super(`${file}: ${headline}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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
    throw unreadable(file, error as NodeJS.ErrnoException);
  }
  return parseConfig(text, file);
}

const NOT_FOUND = {
  headline: 'configuration file not found',
  advice: `create it (${SAMPLE_CONFIG} is a commented example with every setting), point JARVIS_CONFIG at an existing file, or unset JARVIS_CONFIG to run with the built-in defaults`,
};
const NOT_PERMITTED = { headline: 'configuration file not readable', advice: 'make the file and its folders readable by the user running jarvis' };

/** A file that cannot be read is not an invalid configuration: say what is wrong with the path and how to fix it. */
const UNREADABLE: Record<string, { headline: string; advice: string }> = { ENOENT: NOT_FOUND, ENOTDIR: NOT_FOUND, EACCES: NOT_PERMITTED, EPERM: NOT_PERMITTED };

function unreadable(file: string, error: NodeJS.ErrnoException): ConfigError {
  const code = error.code ?? 'error';
  const known = UNREADABLE[code];
  if (!known) return new ConfigError(file, [`(file): cannot read (${code})`], 'configuration file not readable');
  return new ConfigError(file, [`(file): ${code}: ${known.advice}`], known.headline);
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
  if (!isRecord(plain)) throw new ConfigError(file, [`(root): must be a section of keys (watch:, policy:, ...), got ${describeValue(plain)}`]);
  const config = plainToInstance(JarvisConfig, withDefaults(plain));
  const problems = [...prototypeKeyPaths(plain, '').map((path) => `${path}: unknown key`), ...validationProblems(config, plain)];
  if (problems.length > 0) throw new ConfigError(file, problems);
  const folders = config.disks.flatMap((disk, i) => validateDiskFolders(disk, `disks[${i}].`));
  if (folders.length > 0) throw new ConfigError(file, folders);
  return config;
}

/** Every problem at once; none inside a list given for a section or the reverse, which is one problem already. */
function validationProblems(config: JarvisConfig, plain: Record<string, unknown>): string[] {
  const swapped = swappedSectionsAndLists(JarvisConfig, plain);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  const inside = (problem: string) => swapped.some(({ path }) => problem.startsWith(`${path}.`) || problem.startsWith(`${path}[`));
  return [...swapped.map(({ problem }) => problem), ...configProblems(errors).filter((problem) => !inside(problem))];
}

/**
 * Keys that name an object's prototype machinery are never configuration. class-validator cannot see them (a
 * `__proto__` key becomes the prototype on assignment, `constructor` is inherited by every object), so they are
 * found here and left out of the merge, at any depth, arrays included.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function prototypeKeyPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => prototypeKeyPaths(item, `${path}[${index}]`));
  if (!isRecord(value)) return [];
  return Object.keys(value).flatMap((key) => {
    const keyPath = path ? `${path}.${key}` : key;
    return PROTOTYPE_KEYS.has(key) ? [keyPath] : prototypeKeyPaths(value[key], keyPath);
  });
}

/** Missing sections and keys take the defaults; present ones are validated as given. */
function withDefaults(plain: unknown): unknown {
  return deepMerge(JSON.parse(JSON.stringify(defaultConfig())) as unknown, plain);
}

function deepMerge(base: unknown, override: unknown): unknown {
  if (!isRecord(base) || !isRecord(override)) return withoutPrototypeKeys(override === undefined ? base : override);
  const result: Record<string, unknown> = { ...base };
  for (const key of Object.keys(override)) {
    if (!PROTOTYPE_KEYS.has(key)) result[key] = deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, override[key]);
  }
  return result;
}

/** A value taken as given (no default to merge with) is still copied without prototype keys, at any depth. */
function withoutPrototypeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrototypeKeys);
  if (!isRecord(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (!PROTOTYPE_KEYS.has(key)) copy[key] = withoutPrototypeKeys(value[key]);
  return copy;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
