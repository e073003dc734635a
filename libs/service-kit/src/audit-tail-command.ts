import { connect, type NatsConnection } from '@nats-io/transport-node';
import { closestName } from '@jarvis/config';
import { decodeEvent, EVENT_SUBJECT_PREFIX, EVENT_TYPES, subjectOf, type EventType, type JarvisEvent } from '@jarvis/contracts';
import { caseStepLine, caseStepOf } from '@jarvis/incidents';
import { DONE, REFUSED, USAGE, UUID } from './api-command.js';
import type { CommandInput, JarvisCommand, Terminal } from './command-table.js';
import { natsClientOptionsFrom } from './nats-credentials.js';
import { RECONNECT_FOREVER } from './nats-reconnect.js';
import { redactUrl } from './redact.js';
import { StartupError } from './startup-error.js';

type TailFilter = { caseId?: string; target?: string; type?: EventType };

const TARGET_KEY = /^[a-z_]+:.+$/;

export function auditTailCommand(): JarvisCommand {
  return {
    name: 'audit tail',
    summary: 'Follows what Jarvis records, live: one readable line per event (no NATS CLI needed).',
    arguments: '[--case <id>] [--target <kind:id>] [--type <EventType>] [--json]',
    details: `Subscribes to ${EVENT_SUBJECT_PREFIX}.> on NATS and prints each event as it is stored: its time, target, case and
step. Runs until Ctrl-C or SIGTERM; it rides out NATS restarts. Events recorded before it started are not shown
(jarvis incident <id> shows a whole case).

Environment: NATS_URL (default nats://127.0.0.1:4222) and the NATS credentials Jarvis takes (NATS_USER with
NATS_PASSWORD_FILE, or NATS_CREDS; NATS_CA, NATS_CERT, NATS_KEY): the read-only operator identity is enough.

Exit codes: 0 stopped by a signal; 1 NATS unreachable at start; 2 bad command line or credentials.`,
    options: {
      case: { type: 'string', valueName: 'id', description: 'Only the events of this case (incident or maintenance run).' },
      target: { type: 'string', valueName: 'kind:id', description: 'Only the events of this target, e.g. container:web or disk:/srv.' },
      type: { type: 'string', valueName: 'EventType', description: 'Only events of this type, e.g. ActionStarted.' },
      json: { type: 'boolean', description: 'Print each event as one JSON line (the stored envelope) instead of text.' },
    },
    maxPositionals: 0,
    run: async (input, terminal) => {
      const filter = tailFilterFrom(input, terminal);
      if (filter === null) return USAGE;
      let nc: NatsConnection;
      try {
        nc = await connect({ ...natsClientOptionsFrom(input.env), ...RECONNECT_FOREVER, name: 'jarvis-audit-tail' });
      } catch (error) {
        if (error instanceof StartupError) {
          terminal.err(`jarvis audit tail: ${error.message}\n`);
          return USAGE;
        }
        terminal.err(`jarvis audit tail: cannot connect to ${redactUrl(input.env['NATS_URL'] || 'nats://127.0.0.1:4222')}: ${(error as Error).message}\n`);
        return REFUSED;
      }
      await follow(nc, filter, input.values['json'] === true, terminal, redactUrl(input.env['NATS_URL'] || 'nats://127.0.0.1:4222'));
      return DONE;
    },
  };
}

function tailFilterFrom({ values }: CommandInput, terminal: Terminal): TailFilter | null {
  const usage = (problem: string) => {
    terminal.err(`jarvis audit tail: ${problem}\n\nRun "jarvis audit tail --help" for its usage.\n`);
    return null;
  };
  const filter: TailFilter = {};
  const caseId = values['case'];
  if (typeof caseId === 'string') {
    if (!UUID.test(caseId)) return usage(`--case: "${caseId}" is not a case id (a UUID)`);
    filter.caseId = caseId.toLowerCase();
  }
  const target = values['target'];
  if (typeof target === 'string') {
    if (!TARGET_KEY.test(target)) return usage(`--target: "${target}" is not a target (expected kind:id, e.g. container:web)`);
    filter.target = target;
  }
  const type = values['type'];
  if (typeof type === 'string') {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) {
      const near = closestName(type, EVENT_TYPES);
      return usage(`--type: "${type}" is not an event type${near ? ` (did you mean ${near}?)` : ''}`);
    }
    filter.type = type as EventType;
  }
  return filter;
}

/** Prints until SIGINT/SIGTERM, then drains the subscription so nothing already received is cut off. */
async function follow(nc: NatsConnection, filter: TailFilter, json: boolean, terminal: Terminal, server: string): Promise<void> {
  const subject = filter.type ? subjectOf(filter.type) : `${EVENT_SUBJECT_PREFIX}.>`;
  const subscription = nc.subscribe(subject);
  await nc.flush();
  // On stderr, so that --json output stays pure JSON lines.
  terminal.err(`following ${subject} on ${server} (Ctrl-C to stop)\n`);
  const stop = () => void nc.drain().catch(() => undefined);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for await (const msg of subscription) {
      const decoded = decodeEvent(msg.data);
      if (!decoded.ok) {
        terminal.err(`skipped a message on ${msg.subject} that is no valid event: ${decoded.errors.join('; ')}\n`);
        continue;
      }
      if (matches(decoded.value, filter)) terminal.out(`${json ? JSON.stringify(decoded.value) : lineOf(decoded.value)}\n`);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await nc.closed();
  }
}

function matches(event: JarvisEvent, filter: TailFilter): boolean {
  return (!filter.caseId || event.correlationId === filter.caseId) && (!filter.target || event.subject === filter.target) && (!filter.type || event.type === filter.type);
}

/** Every event gets a line, the quiet ones (a passing reading) too. */
function lineOf(event: JarvisEvent): string {
  return `${event.time}  ${caseStepLine(event, caseStepOf(event))}`;
}
