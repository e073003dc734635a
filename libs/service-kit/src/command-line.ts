import { parseArgs } from 'node:util';
import { ConfigError } from '@jarvis/config';
import { EventStoreMisconfigured } from '@jarvis/event-log';
import { parseTargets, runJarvis, runtimeEnvFrom, StartupError, type RunningJarvis, type ServiceRegistry, type StopOutcome } from './run-jarvis.js';

const USAGE = `Usage: jarvis start [--target monitor,policy,executor,config-editor,audit,gateway]

Runs the selected services in one process (all of them by default).

Environment:
  NATS_URL          NATS server (default nats://127.0.0.1:4222)
  NATS_USER, NATS_PASSWORD_FILE  NATS identity and the file holding its password (infra/nats/identities.conf)
  NATS_CREDS        NATS creds file (JWT and seed), instead of NATS_USER
  NATS_CA, NATS_CERT, NATS_KEY   TLS: CA to trust, client certificate and key (PEM files)
  NATS_INBOX_PREFIX inbox prefix (default _INBOX_<NATS_USER>, as the generated permissions expect)
  DOCKER_HOST       Docker engine (default unix:///var/run/docker.sock)
  JARVIS_CONFIG     path to jarvis.yaml (default: built-in defaults, watch containers labelled jarvis.watch=true)
  JARVIS_HTTP_PORT  gateway port (default 8080, on 127.0.0.1 unless gateway.host says otherwise)
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME  OpenTelemetry trace export
`;

/** Parses the command line, starts the services and stops them cleanly on SIGTERM/SIGINT. Returns the exit code. */
export async function runCommandLine(registry: ServiceRegistry, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { target: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    process.stderr.write(`jarvis: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command] = parsed.positionals;
  if (parsed.values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== 'start') {
    process.stderr.write(`jarvis: ${command ? `unknown command "${command}"` : 'missing command'}\n\n${USAGE}`);
    return 2;
  }
  try {
    const targets = parseTargets(parsed.values.target, registry);
    return await untilStopped(await runJarvis(registry, targets, runtimeEnvFrom(env, targets)));
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof EventStoreMisconfigured) {
      process.stderr.write(`jarvis: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`jarvis: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * Waits for SIGTERM/SIGINT, then stops within the configured deadline. A second signal during the stop exits at
 * once; a lost instance lock exits at once too, since another instance now consumes this one's events.
 */
function untilStopped(running: RunningJarvis): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) {
        process.stderr.write(`jarvis: second ${signal}, exiting now${abandoned(running.unacknowledgedAppends())}\n`);
        resolve(1);
        return;
      }
      stopping = true;
      process.stderr.write(`jarvis: ${signal} received, stopping\n`);
      void running.stop().then((outcome) => resolve(report(outcome)));
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
    void running.lockLost.then((reason) => {
      process.stderr.write(`jarvis: FATAL: ${reason}${abandoned(running.unacknowledgedAppends())}\n`);
      resolve(1);
    });
  });
}

function report(outcome: StopOutcome): number {
  for (const note of outcome.notes) process.stderr.write(`jarvis: ${note}\n`);
  for (const failure of outcome.failures) process.stderr.write(`jarvis: error while stopping: ${failure}\n`);
  if (outcome.lost.length > 0) {
    process.stderr.write(`jarvis: stopped, but${abandoned(outcome.lost)}\n`);
    return 1;
  }
  if (outcome.failures.length > 0) return 1;
  process.stderr.write('jarvis: stopped\n');
  return 0;
}

/** An append without its ack may or may not be stored: say which, so the operator can look for it in the log. */
function abandoned(appends: string[]): string {
  if (appends.length === 0) return '';
  return `; ${appends.length} event append(s) never got their ack and may be lost: ${appends.join(', ')}`;
}
