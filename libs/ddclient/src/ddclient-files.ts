import type { DdclientConfig } from '@jarvis/config';
import type { DdclientDocument } from './ddclient-document.js';
import { GuardedFileError, GuardedFileReader } from './guarded-file-reader.js';
import { parseDdclientConfig } from './parse-ddclient-config.js';
import { tsigSecretOf } from './tsig-key.js';
import { keyFilePaths, type KeyFileContent } from './validate-ddclient-config.js';

const MAX_CONFIG_BYTES = 1024 * 1024;
const MAX_KEY_FILE_BYTES = 64 * 1024;

/** ddclient.conf parsed, with the key files its nsupdate hosts name, read through the whitelist. */
export type LoadedDdclientConfig = { readonly document: DdclientDocument; readonly keyFiles: ReadonlyMap<string, KeyFileContent> };

/** Reads ddclient.conf and its key files; key files only from the config's folder and `keyFolders`. */
export async function loadDdclientConfig(settings: Pick<DdclientConfig, 'config' | 'keyFolders'>): Promise<LoadedDdclientConfig> {
  const configReader = await GuardedFileReader.forFolders([await GuardedFileReader.folderOf(settings.config)]);
  return readAlongside(await configReader.read(settings.config, MAX_CONFIG_BYTES), settings);
}

/**
 * Parses `text` as if it were the ddclient.conf at `settings.config` (a proposed edit of it, say) and reads the key
 * files it names, through the same whitelist as the file itself would.
 */
export async function readAlongside(text: string, settings: Pick<DdclientConfig, 'config' | 'keyFolders'>): Promise<LoadedDdclientConfig> {
  const document = parseDdclientConfig(text);
  const keyReader = await GuardedFileReader.forFolders([await GuardedFileReader.folderOf(settings.config), ...settings.keyFolders]);
  const keyFiles = new Map<string, KeyFileContent>();
  for (const path of keyFilePaths(document)) keyFiles.set(path, await readKeyFile(keyReader, path));
  return { document, keyFiles };
}

/** Every secret the config holds, in the forms a command could print it: for redaction only. */
export function secretsOf({ document, keyFiles }: LoadedDdclientConfig): string[] {
  const secrets = new Set<string>();
  for (const host of document.hosts) {
    const login = host.settings.get('login')?.value;
    for (const setting of host.settings.values()) {
      if (!setting.secret || setting.value === '') continue;
      secrets.add(setting.value);
      if (login) secrets.add(`${login}:${setting.value}`);
    }
  }
  for (const entry of document.entries) for (const setting of entry.settings) if (setting.secret && setting.value !== '') secrets.add(setting.value);
  for (const content of keyFiles.values()) {
    const secret = content.kind === 'text' ? tsigSecretOf(content.text) : null;
    if (secret) secrets.add(secret);
  }
  return [...secrets];
}

async function readKeyFile(reader: GuardedFileReader, path: string): Promise<KeyFileContent> {
  try {
    return { kind: 'text', text: await reader.read(path, MAX_KEY_FILE_BYTES) };
  } catch (error) {
    if (error instanceof GuardedFileError) return { kind: 'unreadable', reason: error.message };
    throw error;
  }
}
