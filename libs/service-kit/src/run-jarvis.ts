import 'reflect-metadata';
import { Logger, Module, ValidationPipe, type INestApplication, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defaultConfig, loadConfigFile, type JarvisConfig } from '@jarvis/config';
import { SERVICE_NAMES, SINGLE_INSTANCE_SERVICES, isServiceName, type ServiceName } from '@jarvis/contracts';
import { EventLogStoreProbe } from '@jarvis/metrics';
import { startTelemetry, type TelemetryHandle } from '@jarvis/telemetry';
import { AppendTracker } from './append-tracker.js';
import { logCaseSteps } from './case-step-log.js';
import { beforeDeadline } from './deadline.js';
import { InstanceLocks } from './instance-lock.js';
import { invalidRequestFrom } from './invalid-request.js';
import { KitModule } from './kit.module.js';
import { consoleLoggerFor, logFormatFrom } from './log-format.js';
import { natsClientOptionsFrom, type NatsClientOptions } from './nats-credentials.js';
import { startProcessMetrics, type ProcessMetrics } from './process-metrics.js';
import { RECONNECT_FOREVER } from './nats-reconnect.js';
import { dataDirFrom } from './api-token.js';
import { eventStoreChoice, eventStoreEnvFrom, openEventStore, type OpenEventStore } from './event-store.js';
import { redactUrl } from './redact.js';
import { StartupError } from './startup-error.js';
import type { RuntimeEnv } from './tokens.js';

export { StartupError };

export type ServiceRegistry = Partial<Record<ServiceName, Type<unknown>>>;

/** How a stop went: `lost` names appends that never got their ack (exit non-zero); `notes` what was cut short. */
export type StopOutcome = { lost: string[]; failures: string[]; notes: string[] };

export type RunningJarvis = {
  app: INestApplication;
  nats: NatsConnection;
  /** Bounded by `lifecycle.shutdownTimeoutSeconds`: stop consuming, finish in-flight work, release, drain, close. */
  stop(): Promise<StopOutcome>;
  unacknowledgedAppends(): string[];
  /** Settles with the reason when another instance took a service's lock: this process must stop consuming now. */
  lockLost: Promise<string>;
};

const LOG_LEVELS: Record<JarvisConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

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
  return {
    natsUrl: env['NATS_URL'] || 'nats://127.0.0.1:4222',
    nats: natsClientOptionsFrom(env),
    dockerHost: env['DOCKER_HOST'] || undefined,
    httpPort: portFrom(env, 'JARVIS_HTTP_PORT'),
    metricsPort: portFrom(env, 'JARVIS_METRICS_PORT'),
    configFile: env['JARVIS_CONFIG'] || null,
    dataDir: dataDirFrom(env),
    logFormat: logFormatFrom(env),
    eventStore: eventStoreEnvFrom(env),
    targets,
  };
}

/** -1 when the variable is unset or empty. */
function portFrom(env: NodeJS.ProcessEnv, name: string): number {
  if (!env[name]) return -1;
  const port = Number(env[name]);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new StartupError(`${name}: "${env[name]}" is not a port number (0-65535)`);
  return port;
}

/**
 * Starts the selected services in this process (Loki-style: one codebase, any subset). Every service talks to
 * the others only over NATS, whether they share this process or not.
 */
export async function runJarvis(registry: ServiceRegistry, targets: ServiceName[], env: RuntimeEnv): Promise<RunningJarvis> {
  const config = env.configFile ? loadConfigFile(env.configFile) : defaultConfig();
  const storeChoice = eventStoreChoice(config.events, env.eventStore);
  const consoleLogger = consoleLoggerFor(env.logFormat, LOG_LEVELS[config.logLevel], Boolean(process.stdout.isTTY));
  Logger.overrideLogger(consoleLogger);
  const logger = new Logger('jarvis');
  const serviceName = targets.length === 1 ? `jarvis-${targets[0]}` : 'jarvis';
  const telemetry = startTelemetry(serviceName);
  const nats = await connectNats(env, targets);
  let locks: InstanceLocks | undefined;
  let metrics: ProcessMetrics | undefined;
  let store: OpenEventStore | undefined;
  try {
    let onLockLost: (reason: string) => void = () => undefined;
    const lockLost = new Promise<string>((resolve) => (onLockLost = resolve));
    locks = await InstanceLocks.acquire(nats, targets.filter(isSingleInstance), config.lifecycle.instanceLockTtlSeconds, logger, onLockLost);
    const appends = new AppendTracker();
    store = await openEventStore(storeChoice, nats, targets, config.events);
    for (const note of store.notes) logger.warn(note);
    const eventLog = store.log;
    const probe = storeChoice.kind === 'kurrentdb' ? new EventLogStoreProbe(eventLog) : undefined;
    metrics = await startProcessMetrics(config.metrics, env, nats, logCaseSteps(appends.track(eventLog), consoleLogger), serviceName, logger, probe);
    const log = metrics.log;
    const modules = targets.map((t) => registry[t]!);
    @Module({ imports: [KitModule.forRoot({ nats, log, config, env, metrics: metrics.gauges, eventStore: storeChoice.kind }), ...modules] })
    class JarvisRootModule {}
    const app = await NestFactory.create(JarvisRootModule, { logger: consoleLogger, abortOnError: false });
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: invalidRequestFrom }));
    app.connectMicroservice<MicroserviceOptions>(
      { transport: Transport.NATS, options: { ...env.nats, name: `jarvis-rpc:${targets.join(',')}`, ...RECONNECT_FOREVER } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    if (targets.includes('gateway')) {
      const port = env.httpPort >= 0 ? env.httpPort : config.gateway.port;
      await app.listen(port, config.gateway.host);
      logger.log(`gateway listening on http://${config.gateway.host}:${port}`);
    } else {
      await app.init();
    }
    logger.log(`started ${targets.join(', ')} (NATS ${redactUrl(env.natsUrl)}${identityOf(env.nats)}, config ${env.configFile ?? 'built-in defaults'})`);
    const held = locks;
    const served = metrics;
    const opened = store;
    const stop = () => stopAll({ app, nats, telemetry, locks: held, appends, metrics: served, store: opened }, Date.now() + config.lifecycle.shutdownTimeoutSeconds * 1000);
    return { app, nats, stop, unacknowledgedAppends: () => appends.unacknowledged(), lockLost };
  } catch (error) {
    await locks?.release();
    await metrics?.close();
    await store?.close().catch(() => undefined);
    await nats.close().catch(() => undefined);
    await telemetry.shutdown();
    throw error;
  }
}

async function connectNats(env: RuntimeEnv, targets: readonly string[]): Promise<NatsConnection> {
  try {
    return await connect({ ...env.nats, name: `jarvis:${targets.join(',')}`, ...RECONNECT_FOREVER });
  } catch (error) {
    throw new StartupError(`NATS_URL: cannot connect to ${redactUrl(env.natsUrl)}${identityOf(env.nats)} (${(error as Error).message})`);
  }
}

/** Names the identity (never its secret) so a permissions problem in the log says who was refused. */
function identityOf(options: NatsClientOptions): string {
  if (options.user) return ` as user ${options.user}`;
  return options.authenticator ? ' with NATS_CREDS' : '';
}

/** The gateway keeps no state and consumes no events: several may run side by side. */
function isSingleInstance(service: ServiceName): boolean {
  return (SINGLE_INSTANCE_SERVICES as readonly ServiceName[]).includes(service);
}

type Running = { app: INestApplication; nats: NatsConnection; telemetry: TelemetryHandle; locks: InstanceLocks; appends: AppendTracker; metrics: ProcessMetrics; store: OpenEventStore };

/**
 * Each step gets what is left of one deadline. The locks are released only once in-flight work has finished, so
 * a successor never overlaps with it; an unreleased lock expires on its own or is taken over by a restart here.
 */
async function stopAll(running: Running, deadline: number): Promise<StopOutcome> {
  const outcome: StopOutcome = { lost: [], failures: [], notes: [] };
  const closed = await beforeDeadline(deadline, () => running.app.close());
  if (closed === 'late') outcome.notes.push('in-flight work did not finish in time; its unacknowledged deliveries will be redelivered');
  if (closed instanceof Error) outcome.failures.push(`closing the services: ${closed.message}`);
  if (closed === 'done' && (await beforeDeadline(deadline, () => running.locks.release())) !== 'done') {
    outcome.notes.push('the instance locks were not released; they expire on their own');
  }
  if ((await beforeDeadline(deadline, () => running.nats.drain())) !== 'done') outcome.notes.push('the NATS connection did not drain in time');
  outcome.lost.push(...running.appends.unacknowledged());
  await beforeDeadline(Math.max(deadline, Date.now() + CLOSE_GRACE_MS), () => running.metrics.close());
  await beforeDeadline(Math.max(deadline, Date.now() + CLOSE_GRACE_MS), () => running.nats.close());
  await beforeDeadline(Math.max(deadline, Date.now() + CLOSE_GRACE_MS), () => running.store.close());
  await beforeDeadline(Math.max(deadline, Date.now() + CLOSE_GRACE_MS), () => running.telemetry.shutdown());
  return outcome;
}

/** Closing a socket and flushing traces to a local collector take milliseconds; past the deadline they get this. */
const CLOSE_GRACE_MS = 500;
