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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CONTAINER_NAME_PATTERN, RISK_LEVELS, type Risk } from '@jarvis/contracts';
import { ConfigEditorConfig } from './config-editor-config.js';
import { Describe } from './config-description.js';
import { CaddyConfig } from './caddy-config.js';
import { DdclientConfig } from './ddclient-config.js';
import { DiskConfig } from './disk-config.js';
import { DnsConfig } from './dns-config.js';
import { allowedFolders } from './absolute-path.js';
import { HttpEndpointConfig, Satisfies } from './endpoint-config.js';
import { MaintenanceConfig } from './maintenance-config.js';
import { ReliabilityConfig } from './reliability-config.js';
import { RemediationConfig } from './remediation-config.js';
import { TlsConfig } from './tls-config.js';

export class WatchConfig {
  @Describe('Containers watched by name, in addition to those carrying the label below.')
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(CONTAINER_NAME_PATTERN, { each: true, message: 'each entry must be a Docker container name' })
  containers: string[] = [];

  @Describe('`key=value`: every container with this label is watched (e.g. `docker run --label jarvis.watch=true ...`).')
  @IsString()
  @Matches(/^[a-zA-Z0-9._/-]+=[^\s]*$/, { message: 'must look like key=value' })
  label = 'jarvis.watch=true';

  @Describe('Full re-read of every watched container, in seconds. Docker events give the fast path; this catches anything they missed.')
  @IsInt()
  @Min(1)
  @Max(3600)
  reconcileIntervalSeconds = 30;
}

export class RateLimitConfig {
  @Describe('At most this many actions in any window, across all targets.')
  @IsInt()
  @Min(1)
  @Max(100000)
  maxActions = 60;

  @Describe("Length of the rate limit's sliding window, in seconds.")
  @IsInt()
  @Min(1)
  @Max(86400)
  windowSeconds = 60;
}

export class BreakerConfig {
  @Describe('Restarts of one target within the window; the next one is denied and the incident escalates to a human.')
  @IsInt()
  @Min(1)
  @Max(1000)
  maxAttempts = 5;

  @Describe("Length of the circuit breaker's window, in seconds.")
  @IsInt()
  @Min(1)
  @Max(604800)
  windowSeconds = 600;
}

export class BackoffConfig {
  @Describe('Delay before the second attempt within one incident, in milliseconds (the first is immediate); it doubles for each further attempt of that incident.')
  @IsInt()
  @Min(0)
  @Max(3600000)
  initialMs = 1000;

  @Describe('Upper bound of the doubling delay, in milliseconds.')
  @IsInt()
  @Min(0)
  @Max(86400000)
  maxMs = 300000;
}

export class PolicyConfig {
  @Describe('At most maxActions actions in any windowSeconds, across all targets.')
  @ValidateNested()
  @Type(() => RateLimitConfig)
  rateLimit = new RateLimitConfig();

  @Describe('Circuit breaker per target: after maxAttempts restarts within windowSeconds the next one is denied and the incident escalates.')
  @ValidateNested()
  @Type(() => BreakerConfig)
  breaker = new BreakerConfig();

  @Describe('Delay between attempts within one incident; a new incident starts again without delay.')
  @ValidateNested()
  @Type(() => BackoffConfig)
  backoff = new BackoffConfig();

  @Describe('A detection older than this many seconds is not acted on: the reconciliation re-detects anything still broken.')
  @IsInt()
  @Min(1)
  @Max(86400)
  staleDetectionSeconds = 300;

  @Describe('An approval request nobody answered within this many seconds expires (ApprovalExpired); a grant after that executes nothing.')
  @IsInt()
  @Min(10)
  @Max(604800)
  approvalExpirySeconds = 3600;

  @Describe('Automatic restarts for watched containers; false turns every restart decision into needs_approval, whatever its risk.')
  @IsBoolean()
  autoRestart = true;

  @Describe('Actions up to this risk (low, medium, high) run on their own; riskier ones need a person to approve them first.')
  @IsIn(RISK_LEVELS)
  maxAutonomousRisk: Risk = 'medium';

  @Describe("An execute decision with no recorded outcome (action failed, refused, superseded or verified) this many seconds after its notBefore escalates instead of waiting silently. Keep it above the executor's restart deadline (restartStopTimeoutSeconds + 30) plus verification.timeoutSeconds.")
  @IsInt()
  @Min(10)
  @Max(86400)
  decisionTimeoutSeconds = 300;
}

export class ExecutorConfig {
  @Describe("Docker's stop timeout for a restart: SIGTERM, then SIGKILL after this many seconds.")
  @IsInt()
  @Min(0)
  @Max(600)
  restartStopTimeoutSeconds = 10;

  @Describe('A decision older than this many seconds (counted from its notBefore) is refused and recorded, never acted on: it is stale or replayed.')
  @IsInt()
  @Min(1)
  @Max(86400)
  maxDecisionAgeSeconds = 120;
}

export class DockerConfig {
  @Describe('Deadline of one Docker API call, in seconds (inspect, list, restart on top of its stop timeout): a hung engine is a failure.')
  @IsInt()
  @Min(1)
  @Max(600)
  callTimeoutSeconds = 10;
}

export class EventRetentionConfig {
  @Describe('Events older than this many days are removed from the stream (0: kept for ever). Checkpoints keep verification working across the horizon; export older history first.')
  @IsInt()
  @Min(0)
  @Max(36500)
  maxAgeDays = 0;

  @Describe('The oldest events are removed once the stream holds more than this many bytes (0: no limit; otherwise at least 1 MiB).')
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  @ValidateIf((retention: EventRetentionConfig) => retention.maxBytes !== 0)
  @Min(1024 * 1024, { message: 'maxBytes must be 0 (no limit) or at least 1048576 (1 MiB)' })
  maxBytes = 0;
}

/** The event stores `jarvis start` can run on. */
export const EVENT_STORES = ['jetstream', 'kurrentdb'] as const;
export type EventStore = (typeof EVENT_STORES)[number];
/** The schemes of the official KurrentDB client's connection strings, or nothing. */
export const KURRENTDB_URL_PATTERN = /^$|^(kurrentdb|esdb)(\+discover)?:\/\/\S+$/;

export class EventsConfig {
  @Describe('Deliveries of one event to a failing handler before the runner gives up and records an escalation.')
  @IsInt()
  @Min(2)
  @Max(1000)
  maxDeliveries = 10;

  @Describe('Each service snapshots its state after this many new events, so a start reads a snapshot plus the tail.')
  @IsInt()
  @Min(10)
  @Max(10000000)
  snapshotEveryEvents = 1000;

  @Describe('Closed cases (resolved incidents, finished actions) are dropped from memory this many hours after they closed; the log keeps them.')
  @IsInt()
  @Min(1)
  @Max(87600)
  closedCaseRetentionHours = 168;

  @Describe('How long the event stream keeps events (by age and size); by default it keeps them for ever.')
  @ValidateNested()
  @Type(() => EventRetentionConfig)
  retention = new EventRetentionConfig();

  @Describe('Where events are stored: jetstream (the NATS server Jarvis connects to) or kurrentdb (at events.kurrentdbUrl); JARVIS_EVENT_STORE, when set, takes precedence.')
  @IsIn(EVENT_STORES)
  store: EventStore = 'jetstream';

  @Describe('KurrentDB connection string (kurrentdb://host:2113?tls=true) for events.store kurrentdb; JARVIS_KURRENTDB_URL, when set, takes precedence.')
  @IsString()
  @MaxLength(2048)
  @Matches(KURRENTDB_URL_PATTERN, { message: 'kurrentdbUrl must be empty or a kurrentdb://, kurrentdb+discover://, esdb:// or esdb+discover:// connection string' })
  kurrentdbUrl = '';
}

export class AuditConfig {
  @Describe('The audit service writes a checkpoint of the hash chain once this many new events are chained (at most 10,000: a checkpoint holds 16 bytes per event).')
  @IsInt()
  @Min(1)
  @Max(10000)
  checkpointEveryEvents = 1000;

  @Describe('…or once this many seconds have passed since the last checkpoint with at least one new event.')
  @IsInt()
  @Min(1)
  @Max(86400)
  checkpointEverySeconds = 60;

  @Describe('A file holding a secret key (32 bytes or more, readable by its owner only, inside JARVIS_DATA_DIR; empty: none): checkpoints are then HMAC-signed with it, and `jarvis audit verify --key-file` refuses any checkpoint written without it.')
  @IsString()
  @MaxLength(4096)
  checkpointKeyFile = '';
}

export class LifecycleConfig {
  @Describe('On SIGTERM, in-flight work and the NATS drain get this many seconds, then the process closes and exits anyway.')
  @IsInt()
  @Min(1)
  @Max(600)
  shutdownTimeoutSeconds = 10;

  @Describe("A service's single-instance lock expires this many seconds after its holder stopped renewing it (crash, kill -9).")
  @IsInt()
  @Min(3)
  @Max(600)
  instanceLockTtlSeconds = 10;
}

export class VerificationConfig {
  @Describe('The container must stay up this many milliseconds after the action before the fix counts.')
  @IsInt()
  @Min(0)
  @Max(600000)
  stableForMs = 2000;

  @Describe('Upper bound, in seconds, for waiting on a Docker healthcheck to report healthy.')
  @IsInt()
  @Min(1)
  @Max(3600)
  timeoutSeconds = 60;
}

export class GatewayConfig {
  @Describe('IP address the HTTP API listens on. Keep 127.0.0.1 unless a reverse proxy or a container network needs another one.')
  @IsIP()
  host = '127.0.0.1';

  @Describe('TCP port of the HTTP API; JARVIS_HTTP_PORT, when set, takes precedence.')
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 8080;
}

export class TelemetryConfig {
  @Describe('OpenTelemetry service.namespace of the traces Jarvis exports.')
  @IsString()
  @MaxLength(128)
  serviceNamespace = 'jarvis';
}

export class MetricsConfig {
  @Describe('Serve Prometheus metrics at GET /metrics on a listener of its own; JARVIS_METRICS_PORT, when set, turns it on too.')
  @IsBoolean()
  enabled = false;

  @Describe('IP address the metrics listener binds to. Keep 127.0.0.1 unless Prometheus scrapes from another host or container.')
  @IsIP()
  host = '127.0.0.1';

  @Describe('TCP port of the metrics listener; JARVIS_METRICS_PORT, when set, takes precedence (each process of the split shape needs its own).')
  @IsInt()
  @Min(0)
  @Max(65535)
  port = 9464;
}

/** How failures explained by a failing dependency are kept in one incident rooted at that dependency. */
export class CorrelationConfig {
  @Describe("After the root's fix is verified, each consequence (a DNS record, a certificate) has this long to pass its check again before the incident escalates naming it.")
  @IsInt()
  @Min(10)
  @Max(86400)
  consequenceGraceSeconds = 300;
}

/** How the monitor runs checks that have no event source (disks, HTTP endpoints). */
export class ProbesConfig {
  @Describe('Probes running at the same time; the others wait their turn, none is skipped.')
  @IsInt()
  @Min(1)
  @Max(1000)
  concurrency = 32;

  @Describe('Each run starts up to this fraction of its interval late, so probes added together spread out.')
  @IsNumber()
  @Min(0)
  @Max(1)
  jitterFraction = 0.1;

  @Describe('A probe that has not answered within this long is a failure (`probe error`).')
  @IsInt()
  @Min(1)
  @Max(600)
  timeoutSeconds = 10;

  @Describe('Consecutive failures before a detection: one bad reading is not an incident.')
  @IsInt()
  @Min(1)
  @Max(100)
  failuresBeforeDetection = 2;

  @Describe('Consecutive passes before a failing check counts as recovered: no flapping.')
  @IsInt()
  @Min(1)
  @Max(100)
  passesBeforeRecovery = 2;
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;

export class JarvisConfig {
  @Describe('Which containers Jarvis looks after.')
  @ValidateNested()
  @Type(() => WatchConfig)
  watch = new WatchConfig();

  @Describe('What Jarvis may do on its own.')
  @ValidateNested()
  @Type(() => PolicyConfig)
  policy = new PolicyConfig();

  @Describe('Mounts whose usage is watched (check disk_usage); old files in their whitelisted folders may be cleaned.')
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique((disk: DiskConfig) => disk?.mount, { message: 'must not list a mount twice (disks[].mount is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => DiskConfig)
  disks: DiskConfig[] = [];

  @Describe('HTTP endpoints probed on a schedule (check http_health); one that names its container is healed by restarting it.')
  @IsArray()
  @ArrayMaxSize(5000)
  @ArrayUnique((endpoint: HttpEndpointConfig) => endpoint?.name, { message: 'must not name two endpoints alike (endpoints[].name is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => HttpEndpointConfig)
  endpoints: HttpEndpointConfig[] = [];

  @Describe('TLS certificates checked on a schedule (check tls_certificate).')
  @ValidateNested()
  @Type(() => TlsConfig)
  tls = new TlsConfig();

  @Describe('Caddy instances checked on a schedule: admin API, loaded config, Caddyfile, reverse-proxy upstreams, certificates of every site.')
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique((caddy: CaddyConfig) => caddy?.name, { message: 'must not name two Caddy instances alike (caddy[].name is the target id)' })
  @ValidateNested({ each: true })
  @Type(() => CaddyConfig)
  caddy: CaddyConfig[] = [];

  @Describe('Folders a Caddyfile (caddy[].caddyfile) may also lie in, besides /etc/caddy: absolute, normalized, never "/"; judged on real paths.')
  @IsArray()
  @ArrayMaxSize(16)
  @ArrayUnique()
  @Satisfies('allowedFolders', allowedFolders)
  extraCaddyfileFolders: string[] = [];

  @Describe('The ddclient whose config and updates are checked (check ddclient_update); absent: none.')
  @IsOptional()
  @ValidateNested()
  @Type(() => DdclientConfig)
  ddclient?: DdclientConfig;

  @Describe('DNS names whose A/AAAA records are checked on a schedule (check dns_resolution).')
  @ValidateNested()
  @Type(() => DnsConfig)
  dns = new DnsConfig();

  @Describe('How the monitor runs checks that have no event source (disks, HTTP endpoints).')
  @ValidateNested()
  @Type(() => ProbesConfig)
  probes = new ProbesConfig();

  @Describe('Actions run on a schedule (cron), each run a maintenance case of its own.')
  @ValidateNested()
  @Type(() => MaintenanceConfig)
  maintenance = new MaintenanceConfig();

  @Describe("Which action answers which check, per target, instead of its kind's default.")
  @ValidateNested()
  @Type(() => RemediationConfig)
  remediation = new RemediationConfig();

  @Describe('How actions are carried out.')
  @ValidateNested()
  @Type(() => ExecutorConfig)
  executor = new ExecutorConfig();

  @Describe('How a fix is confirmed.')
  @ValidateNested()
  @Type(() => VerificationConfig)
  verification = new VerificationConfig();

  @Describe('The Docker engine.')
  @ValidateNested()
  @Type(() => DockerConfig)
  docker = new DockerConfig();

  @Describe('How services consume the event log.')
  @ValidateNested()
  @Type(() => EventsConfig)
  events = new EventsConfig();

  @Describe('One incident per root cause: failures explained by a failing dependency join its incident.')
  @ValidateNested()
  @Type(() => CorrelationConfig)
  correlation = new CorrelationConfig();

  @Describe('The reliability figures: how much time each action type saves.')
  @ValidateNested()
  @Type(() => ReliabilityConfig)
  reliability = new ReliabilityConfig();

  @Describe('Tamper evidence: the hash chain over the event stream and its checkpoints.')
  @ValidateNested()
  @Type(() => AuditConfig)
  audit = new AuditConfig();

  @Describe('Starting and stopping.')
  @ValidateNested()
  @Type(() => LifecycleConfig)
  lifecycle = new LifecycleConfig();

  @Describe('The HTTP API (only in a process running the gateway service).')
  @ValidateNested()
  @Type(() => GatewayConfig)
  gateway = new GatewayConfig();

  @Describe('Which config files the config editor may change, and how it backs them up and checks them.')
  @ValidateNested()
  @Type(() => ConfigEditorConfig)
  configEditor = new ConfigEditorConfig();

  @Describe('Prometheus metrics of this process.')
  @ValidateNested()
  @Type(() => MetricsConfig)
  metrics = new MetricsConfig();

  @Describe('How much Jarvis logs.')
  @IsOptional()
  @IsIn(LOG_LEVELS)
  logLevel: (typeof LOG_LEVELS)[number] = 'log';
}
