import { parseArgs } from 'node:util';
import { ConfigError } from '@jarvis/config';
import { EventStoreMisconfigured } from '@jarvis/event-log';
import { parseTargets, runJarvis, runtimeEnvFrom, StartupError, type ServiceRegistry } from './run-jarvis.js';

const USAGE = `Usage: jarvis start [--target monitor,policy,executor,config-editor,audit,gateway]

Runs the selected services in one process (all of them by default).

Environment:
  NATS_URL          NATS server (default nats://127.0.0.1:4222)
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
    const running = await runJarvis(registry, targets, runtimeEnvFrom(env, targets));
    return await new Promise<number>((resolve) => {
      const stop = (signal: string) => {
        process.stderr.write(`jarvis: ${signal} received, stopping\n`);
        running.stop().then(
          () => resolve(0),
          (error: Error) => {
            process.stderr.write(`jarvis: error while stopping: ${error.message}\n`);
            resolve(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof EventStoreMisconfigured) {
      process.stderr.write(`jarvis: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`jarvis: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
