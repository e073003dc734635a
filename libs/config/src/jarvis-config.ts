import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsIP,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CONTAINER_NAME_PATTERN, RISK_LEVELS, type Risk } from '@jarvis/contracts';
import { DiskConfig } from './disk-config.js';
import { HttpEndpointConfig } from './endpoint-config.js';
import { RemediationConfig } from './remediation-config.js';

export class WatchConfig {
  /** Containers watched by name, in addition to those carrying the label below. */
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(CONTAINER_NAME_PATTERN, { each: true, message: 'each entry must be a Docker container name' })
  containers: string[] = [];

  /** `key=value`: containers with this label are watched. */
  @IsString()
  @Matches(/^[a-zA-Z0-9._/-]+=[^\s]*$/, { message: 'must look like key=value' })
  label = 'jarvis.watch=true';

  /** Full re-read of every watched container; events do the fast path, this catches anything they missed. */
  @IsInt()
  @Min(1)
  @Max(3600)
  reconcileIntervalSeconds = 30;
}

export class RateLimitConfig {
  @IsInt()
  @Min(1)
  @Max(100000)
  maxActions = 60;

  @IsInt()
  @Min(1)
  @Max(86400)
  windowSeconds = 60;
}

export class BreakerConfig {
  /** Restarts of one target within the window; the next one is denied and the incident escalates. */
  @IsInt()
  @Min(1)
  @Max(1000)
  maxAttempts = 5;

  @IsInt()
  @Min(1)
  @Max(604800)
  windowSeconds = 600;
}

export class BackoffConfig {
  /** Delay before the second attempt within one incident; it doubles for each further attempt of that incident. */
  @IsInt()
  @Min(0)
  @Max(3600000)
  initialMs = 1000;

  @IsInt()
  @Min(0)
  @Max(86400000)
  maxMs = 300000;
}

export class PolicyConfig {
  @ValidateNested()
  @Type(() => RateLimitConfig)
  rateLimit = new RateLimitConfig();

  @ValidateNested()
  @Type(() => BreakerConfig)
  breaker = new BreakerConfig();

  @ValidateNested()
  @Type(() => BackoffConfig)
  backoff = new BackoffConfig();

  /** A detection older than this is not acted on: the reconciliation re-detects anything still broken. */
  @IsInt()
  @Min(1)
  @Max(86400)
  staleDetectionSeconds = 300;

  /** Automatic restarts for watched containers; false turns every restart decision into needs_approval. */
  @IsBoolean()
  autoRestart = true;

  /** Actions up to this risk run on their own; riskier ones need a person's approval first. */
  @IsIn(RISK_LEVELS)
  maxAutonomousRisk: Risk = 'medium';

  /**
   * An execute decision with no recorded outcome (action failed, refused, superseded or verified) this long after
   * its notBefore escalates instead of waiting silently. Keep it above the executor's restart deadline plus the
   * verification timeout.
   */
  @IsInt()
  @Min(10)
  @Max(86400)
  decisionTimeoutSeconds = 300;
}

export class ExecutorConfig {
  /** Docker's stop timeout for a restart: SIGTERM, then SIGKILL after this many seconds. */
  @IsInt()
  @Min(0)
  @Max(600)
  restartStopTimeoutSeconds = 10;

  /** A decision older than this (counted from its notBefore) is refused, never acted on: it is stale or replayed. */
  @IsInt()
  @Min(1)
  @Max(86400)
  maxDecisionAgeSeconds = 120;
}

export class DockerConfig {
  /** Deadline of one Docker API call (inspect, list, restart on top of its stop timeout): a hung engine is a failure. */
  @IsInt()
  @Min(1)
  @Max(600)
  callTimeoutSeconds = 10;
}

export class EventsConfig {
  /** Deliveries of one event to a failing handler before the runner gives up and records an escalation. */
  @IsInt()
  @Min(2)
  @Max(1000)
  maxDeliveries = 10;

  /** Each service snapshots its state after this many new events, so a start reads a snapshot plus the tail. */
  @IsInt()
  @Min(10)
  @Max(10000000)
  snapshotEveryEvents = 1000;

  /** Closed cases (resolved incidents, finished actions) are dropped from memory this long after they closed. */
  @IsInt()
  @Min(1)
  @Max(87600)
  closedCaseRetentionHours = 168;
}

export class LifecycleConfig {
  /** SIGTERM: in-flight work and the NATS drain get this long, then the process closes and exits anyway. */
  @IsInt()
  @Min(1)
  @Max(600)
  shutdownTimeoutSeconds = 10;

  /** A service's single-instance lock expires this long after its holder stopped renewing it (crash, kill -9). */
  @IsInt()
  @Min(3)
  @Max(600)
  instanceLockTtlSeconds = 10;
}

export class VerificationConfig {
  /** The container must stay up this long after the action before the fix counts. */
  @IsInt()
  @Min(0)
  @Max(600000)
  stableForMs = 2000;

  /** Upper bound for waiting on a Docker healthcheck to report healthy. */
  @IsInt()
  @Min(1)
  @Max(3600)
  timeoutSeconds = 60;
}

export class GatewayConfig {
  @IsIP()
  host = '127.0.0.1';

  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;
}

export class TelemetryConfig {
  @IsString()
  @MaxLength(128)
  serviceNamespace = 'jarvis';
}

/** How the monitor runs checks that have no event source (disks, HTTP endpoints). */
export class ProbesConfig {
  /** Probes running at the same time; the others wait their turn, none is skipped. */
  @IsInt()
  @Min(1)
  @Max(1000)
  concurrency = 32;

  /** Each run starts up to this fraction of its interval late, so probes added together spread out. */
  @IsNumber()
  @Min(0)
  @Max(1)
  jitterFraction = 0.1;

  /** A probe that has not answered within this long is a failure (`probe error`). */
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds = 10;

  /** Consecutive failures before a detection: one bad reading is not an incident. */
  @IsInt()
  @Min(1)
  @Max(100)
  failuresBeforeDetection = 2;

  /** Consecutive passes before a failing check counts as recovered: no flapping. */
  @IsInt()
  @Min(1)
  @Max(100)
  passesBeforeRecovery = 2;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

export class JarvisConfig {
  @ValidateNested()
  @Type(() => WatchConfig)
  watch = new WatchConfig();

  @ValidateNested()
  @Type(() => PolicyConfig)
  policy = new PolicyConfig();

  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique((disk: DiskConfig) => disk?.mount, { message: 'must not list a mount twice (disks[].mount is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => DiskConfig)
  disks: DiskConfig[] = [];

  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique((endpoint: HttpEndpointConfig) => endpoint?.name, { message: 'must not name two endpoints alike (endpoints[].name is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => HttpEndpointConfig)
  endpoints: HttpEndpointConfig[] = [];

  @ValidateNested()
  @Type(() => ProbesConfig)
  probes = new ProbesConfig();

  @ValidateNested()
  @Type(() => RemediationConfig)
  remediation = new RemediationConfig();

  @ValidateNested()
  @Type(() => ExecutorConfig)
  executor = new ExecutorConfig();

  @ValidateNested()
  @Type(() => VerificationConfig)
  verification = new VerificationConfig();

  @ValidateNested()
  @Type(() => DockerConfig)
  docker = new DockerConfig();

  @ValidateNested()
  @Type(() => EventsConfig)
  events = new EventsConfig();

  @ValidateNested()
  @Type(() => LifecycleConfig)
  lifecycle = new LifecycleConfig();

  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway = new GatewayConfig();

  @IsOptional()
  @IsIn(LOG_LEVELS)
  logLevel: (typeof LOG_LEVELS)[number] = 'log';
}
