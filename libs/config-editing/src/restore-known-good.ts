import type { ConfigFormat } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { ddclientAssignedText, putDdclientAssignment } from './ddclient-assignments.js';

/**
 * ddclient.conf with the options `keys` set as the known-good copy writes them, quotes and all; nothing else
 * changes. A key neither assigns is left alone (the protocol does not use it); a key the file assigns and the copy
 * does not, or one assigned on several lines, stops the edit: restoring it would be a guess.
 */
export function restoreKnownGood(format: ConfigFormat, before: string, keys: readonly string[], knownGood: string | undefined): string {
  if (format !== 'ddclient') throw new ConfigEditError('change.kind', `restore_known_good applies to ddclient files only, not ${format}`);
  if (knownGood === undefined) throw new ConfigEditError('change.knownGood', 'the known-good copy was not read');
  return keys.reduce((content, key) => {
    const field = `change.keys.${key}`;
    const text = ddclientAssignedText(knownGood, key, field);
    if (text !== undefined) return putDdclientAssignment(content, key, text, field);
    if (ddclientAssignedText(content, key, field) === undefined) return content;
    throw new ConfigEditError(field, `the file assigns ${key} and the known-good copy does not`);
  }, before);
}
