import type { JarvisCommand } from './command-table.js';

const ENVIRONMENT = `Environment:
  NATS_URL          NATS server (default nats://127.0.0.1:4222)
  NATS_USER, NATS_PASSWORD_FILE  NATS identity: the read-only operator identity is enough
  NATS_CREDS, NATS_CA, NATS_CERT, NATS_KEY, NATS_INBOX_PREFIX  as for jarvis start
  JARVIS_DATA_DIR   Jarvis's data folder (default ./data): the key file must be inside it

Exit codes: 0 intact; 1 something was modified, deleted, inserted or reordered (the first such position is named);
2 could not verify (bad command line, NATS unreachable, no event stream, unusable key file).`;

/** `jarvis audit verify`: the command; what it does loads only when it runs. */
export function auditVerifyCommand(): JarvisCommand {
  return {
    name: 'audit verify',
    summary: 'Checks the event log against the audit checkpoints: exit 1 naming the first altered position.',
    arguments: '[--json] [--key-file <path>]',
    details: `Reads the checkpoints (stream JARVIS_AUDIT), then every event from the first one retained (stream
JARVIS_EVENTS), recomputing each event's digest and the hash chain, and reports the first sequence where an event
was modified, deleted, inserted or reordered, or where a checkpoint was removed, altered or (with --key-file)
forged. Events after the last checkpoint are checked for gaps only; events removed by events.retention are
counted, not read.\n\n${ENVIRONMENT}`,
    options: {
      json: { type: 'boolean', description: 'Print the result as one JSON object.' },
      'key-file': { type: 'string', valueName: 'path', description: 'The checkpoint key (audit.checkpointKeyFile): every checkpoint must carry its HMAC.' },
    },
    maxPositionals: 0,
    run: async (input, terminal) => (await import('./audit-verify.js')).auditVerify(input, terminal),
  };
}
