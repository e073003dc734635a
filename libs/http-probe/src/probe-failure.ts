/**
 * Why a probe failed. `address_refused` and `ca_file` are the configuration's problems, not the endpoint's:
 * restarting the container that serves it cannot fix them.
 */
export const PROBE_FAILURES = ['status', 'latency', 'body', 'json', 'timeout', 'connection', 'tls', 'dns', 'protocol', 'address_refused', 'ca_file'] as const;
export type ProbeFailure = (typeof PROBE_FAILURES)[number];

export const CONFIGURATION_FAILURES: ReadonlySet<ProbeFailure> = new Set(['address_refused', 'ca_file']);

export type ClassifiedError = { failure: ProbeFailure; reason: string };

const TLS_CODE = /CERT|SSL|TLS|UNABLE_TO_(GET|VERIFY)|SELF_SIGNED/;

/** A request's error as a failure kind and the line an incident shows. `where` is the address it went to. */
export function classifyRequestError(error: unknown, host: string, where: string): ClassifiedError {
  const code = errorCode(error);
  const message = oneLine(error instanceof Error ? error.message : String(error));
  switch (code) {
    case 'ECONNREFUSED':
      return { failure: 'connection', reason: `connection refused by ${where}` };
    case 'ECONNRESET':
      return { failure: 'connection', reason: `connection to ${where} closed before a complete answer` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { failure: 'connection', reason: `${where} unreachable (${code})` };
    case 'ENOTFOUND':
      return { failure: 'dns', reason: `host ${host} not found` };
    case 'EAI_AGAIN':
      return { failure: 'dns', reason: `name lookup of ${host} failed for now (EAI_AGAIN)` };
    default:
      if (code.startsWith('HPE_')) return { failure: 'protocol', reason: `not a valid HTTP answer from ${where} (${code})` };
      if (TLS_CODE.test(code)) return { failure: 'tls', reason: `TLS: ${message}` };
      return { failure: 'connection', reason: `${code || 'error'}: ${message}` };
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
