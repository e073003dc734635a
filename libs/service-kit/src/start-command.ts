import { SERVICE_NAMES } from '@jarvis/contracts';
import type { JarvisCommand } from './command-table.js';
import type { ServiceRegistry } from './run-jarvis.js';

const ENVIRONMENT = `Environment:
  NATS_URL          NATS server (default nats://127.0.0.1:4222)
  NATS_USER, NATS_PASSWORD_FILE  NATS identity and the file holding its password (infra/nats/identities.conf)
  NATS_CREDS        NATS creds file (JWT and seed), instead of NATS_USER
  NATS_CA, NATS_CERT, NATS_KEY   TLS: CA to trust, client certificate and key (PEM files)
  NATS_INBOX_PREFIX inbox prefix (default _INBOX_<NATS_USER>, as the generated permissions expect)
  DOCKER_HOST       Docker engine (default unix:///var/run/docker.sock)
  JARVIS_CONFIG     path to jarvis.yaml (default: built-in defaults, watch containers labelled jarvis.watch=true)
  JARVIS_HTTP_PORT  gateway port (default 8080, on 127.0.0.1 unless gateway.host says otherwise)
  JARVIS_METRICS_PORT  serves Prometheus metrics at /metrics on this port (on metrics.host, default 127.0.0.1)
  JARVIS_EVENT_STORE  jetstream (default) or kurrentdb: where events are stored (events.store)
  JARVIS_KURRENTDB_URL  KurrentDB connection string when the store is kurrentdb, e.g. kurrentdb://127.0.0.1:2113?tls=false
  JARVIS_DATA_DIR   Jarvis's own files (default ./data): the gateway creates api-token and api-token.sha256 there
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME  OpenTelemetry trace export

Exit codes: 0 stopped cleanly; 1 failed or stopped with losses; 2 bad command line, configuration or environment.
`;

/**
 * `jarvis start`: runs the services of the registry in this process and stops them cleanly on SIGTERM/SIGINT. The
 * registry and the frameworks load only when it runs, so `--version`, `--help` and other commands stay quick.
 */
export function startCommand(loadRegistry: () => Promise<ServiceRegistry>): JarvisCommand {
  return {
    name: 'start',
    summary: 'Runs the Jarvis services in this process: all of them, or those --target names.',
    arguments: '[--target <services>]',
    details: `Each service talks to the others only through NATS, so any subset can run here and the rest elsewhere.\n\n${ENVIRONMENT}`,
    options: { target: { type: 'string', valueName: 'services', description: `Comma-separated services to run, from ${SERVICE_NAMES.join(', ')} (default: all).` } },
    maxPositionals: 0,
    run: async (input, terminal) => {
      const [registry, { startJarvis }] = await Promise.all([loadRegistry(), import('./start-jarvis.js')]);
      return startJarvis(registry, input, terminal);
    },
  };
}
