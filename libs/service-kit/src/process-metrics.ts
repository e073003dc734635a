import type { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MetricsConfig } from '@jarvis/config';
import { EVENT_STREAM_NAME } from '@jarvis/contracts';
import type { EventLog } from '@jarvis/event-log';
import { JarvisMetrics, JetStreamStoreProbe, METRICS_PATH, MeteredEventLog, serveMetrics, type StoreProbe } from '@jarvis/metrics';
import { StartupError } from './startup-error.js';
import type { ReliabilityExport, RuntimeEnv } from './tokens.js';

/** The event log the services use (counted when metrics are on), where services export gauges, and how to stop serving metrics. */
export type ProcessMetrics = { log: EventLog; gauges: ReliabilityExport | null; close(): Promise<void> };

/** Off unless `metrics.enabled` or JARVIS_METRICS_PORT: a fixed default port would collide between split processes. */
export async function startProcessMetrics(
  config: MetricsConfig,
  env: RuntimeEnv,
  nats: NatsConnection,
  log: EventLog,
  serviceName: string,
  logger: Logger,
  probe: StoreProbe = new JetStreamStoreProbe(nats, EVENT_STREAM_NAME),
): Promise<ProcessMetrics> {
  if (!config.enabled && env.metricsPort < 0) return { log, gauges: null, close: async () => undefined };
  const metrics = JarvisMetrics.create(serviceName, probe);
  const port = env.metricsPort >= 0 ? env.metricsPort : config.port;
  try {
    const server = await serveMetrics(metrics, config.host, port);
    logger.log(`metrics at http://${config.host}:${server.port}${METRICS_PATH}`);
    return {
      log: new MeteredEventLog(log, metrics),
      gauges: metrics,
      close: async () => {
        await server.close();
        await metrics.shutdown();
      },
    };
  } catch (error) {
    await metrics.shutdown();
    throw new StartupError(`metrics: cannot listen on ${config.host}:${port} (${(error as Error).message})`);
  }
}
