import { Resolver } from 'node:dns/promises';
import type { DnsQuery, DnsQueryPort, DnsReply } from '@jarvis/registry';

/**
 * node:dns's (c-ares) error codes for what a server said or failed to say. ENODATA is NOERROR with no record of
 * the type; ENOTFOUND is NXDOMAIN.
 */
const OUTCOME_OF_CODE: Readonly<Record<string, DnsReply['outcome']>> = {
  ENODATA: 'nodata',
  ENOTFOUND: 'nxdomain',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ETIMEOUT: 'timeout',
  ECANCELLED: 'timeout',
};

/**
 * One question to exactly one server through its own c-ares channel, never the system's resolvers. c-ares doubles
 * its timeout at each try, so the whole query is also bounded by `timeoutMs × tries`, and by the caller's signal.
 */
export class ResolverDnsQuery implements DnsQueryPort {
  async query(question: DnsQuery, signal: AbortSignal): Promise<DnsReply> {
    if (signal.aborted) return { outcome: 'timeout', addresses: [], detail: 'not asked: the probe was already cancelled' };
    const resolver = new Resolver({ timeout: question.timeoutMs, tries: question.tries });
    resolver.setServers([question.server]);
    const budgetMs = question.timeoutMs * question.tries;
    const cancel = () => resolver.cancel();
    const timer = setTimeout(cancel, budgetMs);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      const addresses = question.type === 'A' ? await resolver.resolve4(question.name) : await resolver.resolve6(question.name);
      return { outcome: addresses.length === 0 ? 'nodata' : 'answer', addresses };
    } catch (error) {
      return replyOfError(error as NodeJS.ErrnoException, question, budgetMs);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', cancel);
    }
  }
}

function replyOfError(error: NodeJS.ErrnoException, question: DnsQuery, budgetMs: number): DnsReply {
  const outcome = OUTCOME_OF_CODE[error.code ?? ''] ?? 'error';
  if (outcome === 'timeout') return { outcome, addresses: [], detail: `no answer within ${budgetMs} ms, ${question.tries} ${question.tries === 1 ? 'try' : 'tries'}` };
  if (outcome !== 'error') return { outcome, addresses: [] };
  return { outcome, addresses: [], detail: error.code === 'ECONNREFUSED' ? 'ECONNREFUSED: nothing listens on that port' : (error.code ?? error.message) };
}
