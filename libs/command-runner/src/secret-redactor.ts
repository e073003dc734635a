export const REDACTED = '***';

/**
 * Replaces every configured secret, and the encodings it commonly travels in (base64, base64url, URL encoding),
 * by `***`. Longer forms go first so a secret inside its own encoding is never half replaced.
 */
export class SecretRedactor {
  private readonly forms: readonly string[];

  constructor(secrets: readonly string[]) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (secret.length === 0) continue;
      for (const form of encodingsOf(secret)) forms.add(form);
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
  }

  /** The longest form, so a caller bounding output can keep enough bytes to redact across its cut. */
  get longestForm(): number {
    return this.forms.reduce((longest, form) => Math.max(longest, Buffer.byteLength(form)), 0);
  }

  redact(text: string): string {
    let redacted = text;
    for (const form of this.forms) redacted = redacted.split(form).join(REDACTED);
    return redacted;
  }

  /** Drops a tail that could be the start of a secret cut off by a length bound. */
  trimPartialSecret(text: string): string {
    for (let keep = Math.min(this.longestForm - 1, text.length); keep > 0; keep -= 1) {
      const tail = text.slice(text.length - keep);
      if (this.forms.some((form) => form.startsWith(tail))) return text.slice(0, text.length - keep);
    }
    return text;
  }
}

function encodingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = bytes.toString('base64');
  return [
    secret,
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    bytes.toString('hex'),
  ];
}
