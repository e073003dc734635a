import { createHash, randomUUID } from 'node:crypto';

/** A random v4 id for facts that have no natural identity. */
export function newId(): string {
  return randomUUID();
}

/**
 * A name-based id (UUID v8 layout over SHA-256): the same inputs always give the same id, which is what makes
 * redelivered work produce the same event and lets JetStream's msg-id de-duplication and our state checks catch it.
 */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
