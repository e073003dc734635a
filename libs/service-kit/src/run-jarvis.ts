import 'reflect-metadata';
import { Logger, Module, ValidationPipe, type INestApplication, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defaultConfig, loadConfigFile, type JarvisConfig } from '@jarvis/config';
import { SERVICE_NAMES, isServiceName, type ServiceName } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { startTelemetry, type TelemetryHandle } from '@jarvis/telemetry';
import { KitModule } from './kit.module.js';
import { redactUrl } from './redact.js';
import type { RuntimeEnv } from './tokens.js';

export type ServiceRegistry = Partial<Record<ServiceName, Type<unknown>>>;

export type RunningJarvis = { app: INestApplication; nats: NatsConnection; stop(): Promise<void> };

const LOG_LEVELS: Record<JarvisConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

export class StartupError extends Error {}

export function parseTargets(value: string | undefined, registry: ServiceRegistry): ServiceName[] {
  const available = SERVICE_NAMES.filter((name) => registry[name]);
  if (!value || value === 'all') return available;
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!isServiceName(name)) throw new StartupError(`--target: unknown service "${name}" (known: ${SERVICE_NAMES.join(', ')})`);
    if (!registry[name]) throw new StartupError(`--target: service "${name}" is not part of this build (available: ${available.join(', ')})`);
  }
  if (names.length === 0) throw new StartupError('--target: give at least one service');
  return [...new Set(names)] as ServiceName[];
}

export function runtimeEnvFrom(env: NodeJS.ProcessEnv, targets: readonly string[]): RuntimeEnv {
  const port = env['JARVIS_HTTP_PORT'] ? Number(env['JARVIS_HTTP_PORT']) : NaN;
  if (env['JARVIS_HTTP_PORT'] && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new StartupError(`JARVIS_HTTP_PORT: "${env['JARVIS_HTTP_PORT']}" is not a port number (0-65535)`);
  }
  return {
    natsUrl: env['NATS_URL'] || 'nats://127.0.0.1:4222',
    dockerHost: env['DOCKER_HOST'] || undefined,
    httpPort: Number.isNaN(port) ? -1 : port,
    configFile: env['JARVIS_CONFIG'] || null,
    targets,
  };
}

/**
 * Starts the selected services in this process (Loki-style: one codebase, any subset). Every service talks to
 * the others only over NATS, whether they share this process or not.
 */
export async function runJarvis(registry: ServiceRegistry, targets: ServiceName[], env: RuntimeEnv): Promise<RunningJarvis> {
  const config = env.configFile ? loadConfigFile(env.configFile) : defaultConfig();
  const logger = new Logger('jarvis');
  Logger.overrideLogger(LOG_LEVELS[config.logLevel]);
  const telemetry = startTelemetry(targets.length === 1 ? `jarvis-${targets[0]}` : 'jarvis');
  const nats = await connectNats(env.natsUrl, targets);
  try {
    const log = await JetStreamEventLog.open(nats);
    const modules = targets.map((t) => registry[t]!);
    @Module({ imports: [KitModule.forRoot({ nats, log, config, env }), ...modules] })
    class JarvisRootModule {}
    const app = await NestFactory.create(JarvisRootModule, { logger: LOG_LEVELS[config.logLevel], abortOnError: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    app.connectMicroservice<MicroserviceOptions>({ transport: Transport.NATS, options: { servers: [env.natsUrl], name: `jarvis-rpc:${targets.join(',')}` } }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    if (targets.includes('gateway')) {
      const port = env.httpPort >= 0 ? env.httpPort : config.gateway.port;
      await app.listen(port, config.gateway.host);
      logger.log(`gateway listening on http://${config.gateway.host}:${port}`);
    } else {
      await app.init();
    }
    logger.log(`started ${targets.join(', ')} (NATS ${redactUrl(env.natsUrl)}, config ${env.configFile ?? 'built-in defaults'})`);
    return { app, nats, stop: () => stopAll(app, nats, telemetry) };
  } catch (error) {
    await nats.close().catch(() => undefined);
    await telemetry.shutdown();
    throw error;
  }
}

async function connectNats(url: string, targets: readonly string[]): Promise<NatsConnection> {
  try {
    return await connect({ servers: [url], name: `jarvis:${targets.join(',')}`, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (error) {
    throw new StartupError(`NATS_URL: cannot connect to ${redactUrl(url)} (${(error as Error).message})`);
  }
}

async function stopAll(app: INestApplication, nats: NatsConnection, telemetry: TelemetryHandle): Promise<void> {
  await app.close();
  await nats.drain().catch(() => undefined);
  await telemetry.shutdown();
}
