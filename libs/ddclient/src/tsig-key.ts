/** What a TSIG key file says, without its secret. */
export type TsigKeySummary = { readonly name: string; readonly algorithm: string };

export type TsigKeyReading = { readonly kind: 'key'; readonly key: TsigKeySummary } | { readonly kind: 'invalid'; readonly reason: string };

const ALGORITHMS = ['hmac-md5', 'hmac-md5.sig-alg.reg.int', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'];
const KEY_CLAUSE = /^\s*key\s+(?:"([^"]+)"|([A-Za-z0-9._-]+))\s*\{([^{}]*)\}\s*;\s*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Reads a BIND key file (`tsig-keygen`'s output: `key "name" { algorithm hmac-sha256; secret "..."; };`). The
 * reasons it gives never quote the file, so a secret cannot leak through them.
 */
export function readTsigKey(text: string): TsigKeyReading {
  const clause = KEY_CLAUSE.exec(withoutComments(text));
  if (!clause) return invalid('it is not one key clause: key "name" { algorithm ...; secret "..."; };');
  const name = clause[1] ?? clause[2] ?? '';
  const statements = clause[3]!.split(';').map((s) => s.trim()).filter((s) => s !== '');
  const algorithm = statements.find((s) => /^algorithm\s/.test(s))?.replace(/^algorithm\s+/, '').replace(/^"|"$/g, '');
  const secret = /^secret\s+"([^"]*)"$/.exec(statements.find((s) => /^secret\s/.test(s)) ?? '')?.[1];
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return invalid('the key name is not a plain domain name');
  if (!algorithm) return invalid(`key ${name} has no algorithm statement`);
  if (!ALGORITHMS.includes(algorithm.toLowerCase())) return invalid(`key ${name} has an unknown algorithm (expected one of ${ALGORITHMS.join(', ')})`);
  if (secret === undefined) return invalid(`key ${name} has no quoted secret statement`);
  if (secret === '' || !BASE64.test(secret)) return invalid(`the secret of key ${name} is not base64`);
  const unknown = statements.find((s) => !/^(algorithm|secret)\s/.test(s));
  if (unknown) return invalid(`key ${name} has a statement other than algorithm and secret`);
  return { kind: 'key', key: { name, algorithm: algorithm.toLowerCase() } };
}

/** The secret of a well-formed key file, for redaction only. */
export function tsigSecretOf(text: string): string | null {
  return /secret\s+"([^"]+)"/.exec(text)?.[1] ?? null;
}

/** A quoted string is matched first and kept whole: a base64 secret may hold `//`, which is no comment there. */
function withoutComments(text: string): string {
  return text.replace(/"[^"\n]*"|\/\*[\s\S]*?\*\/|(?:\/\/|#)[^\n]*/g, (match) => (match.startsWith('"') ? match : ' '));
}

function invalid(reason: string): TsigKeyReading {
  return { kind: 'invalid', reason };
}
