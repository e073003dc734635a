import type { ConfigValidator, Verdict } from '@jarvis/config-editing';
import { readAlongside, validateDdclientConfig } from '@jarvis/ddclient';

/**
 * ddclient.conf is judged by the same parser and validator as the ddclient check: an edit that the check would
 * call broken (a syntax problem, an unknown option, a missing setting, an unreadable key file) is not applied.
 * Warnings do not stop an edit; the messages never quote a secret.
 */
export function ddclientEditValidator(keyFolders: readonly string[]): ConfigValidator {
  return {
    name: 'ddclient.conf parser',
    validate: async (content, file): Promise<Verdict> => {
      const loaded = await readAlongside(content, { config: file.realPath, keyFolders: [...keyFolders] });
      const errors = validateDdclientConfig(loaded.document, loaded.keyFiles).filter((p) => p.severity === 'error');
      if (errors.length > 0) return { ok: false, reason: errors.map((e) => `${e.position ? `line ${e.position.line}: ` : ''}${e.field}: ${e.message}`).join('; ') };
      return { ok: true, evidence: `${loaded.document.hosts.length} host(s), no problem the ddclient check would report` };
    },
  };
}
