import { createHash } from 'node:crypto';
import type { ActionParams } from './payloads.js';
import { targetKey, type TargetRef } from './target.js';

/** JSON with keys in a fixed order at every depth, so equal content always hashes alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * What an approval is about: a grant names this, so it cannot be carried over to other parameters or another target.
 * `consequenceCheck` (a consequence's remediation under its root's case) is hashed only when present, so a grant of
 * the root's own action is never valid for the same action on a consequence, and digests without it stay as they were.
 */
export function approvalDigest(what: { action: string; target: TargetRef; params: ActionParams; consequenceCheck?: string | undefined }): string {
  const about = { action: what.action, target: targetKey(what.target), params: what.params, ...(what.consequenceCheck === undefined ? {} : { consequenceCheck: what.consequenceCheck }) };
  return createHash('sha256').update(canonical(about)).digest('hex');
}
