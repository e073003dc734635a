import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Attributes, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { isEventType, type JarvisEvent, type ReliabilityReply } from '@jarvis/contracts';
import { CaseBook } from './case-book.js';
import { DURATION_BUCKETS_SECONDS, LABEL, METRIC } from './names.js';
import { observationsOf, type CountedMetric, type Observation, type TimedMetric } from './observations.js';
import { RELIABILITY_GAUGES, reliabilityReadings, type ReliabilityGauge } from './reliability-gauges.js';
import type { StoreProbe } from './store-probe.js';

/** Why an append failed: the event was invalid (a bug) or the store did not take it (an outage). */
export type AppendFailure = 'invalid' | 'store';

const COUNTERS: Record<CountedMetric, string> = {
  [METRIC.detections]: 'Detections recorded, by check, target kind and status.',
  [METRIC.incidentsOpened]: 'Incidents opened, by check and target kind.',
  [METRIC.incidentsResolved]: 'Incidents resolved, by resolution and target kind.',
  [METRIC.incidentsEscalated]: 'Incidents escalated to a person, by rule and target kind.',
  [METRIC.decisions]: 'Remediation decisions, by outcome, rule and action.',
  [METRIC.actions]: 'Actions that ended, by action and result (succeeded, failed, refused, superseded).',
  [METRIC.verifications]: 'Verifications after an action, by target kind and result.',
  [METRIC.approvals]: 'Approval requests and their answers, by outcome.',
  [METRIC.maintenanceRuns]: 'Scheduled maintenance runs that ended, by outcome and target kind.',
};

const HISTOGRAMS: Record<TimedMetric, string> = {
  [METRIC.actionDuration]: 'How long actions took, in seconds, by action and result.',
  [METRIC.mttd]: 'Time from a fault to its incident being opened, in seconds, by check and target kind.',
  [METRIC.mttr]: 'Time from a fault to its incident being resolved, in seconds, by check, last action and resolution.',
};

/**
 * The metrics of one Jarvis process, read by Prometheus from `/metrics`. Counters and histograms count only what
 * this process stored itself, live: a replay at start applies events to the case book but counts nothing, so a
 * restart starts its counters at zero (Prometheus's rate() and increase() handle the reset) and never counts an event
 * twice. In the split shape each event is counted by the one process that stored it; sum over instances.
 */
export class JarvisMetrics {
  readonly cases = new CaseBook();
  private readonly durables = new Set<string>();
  private readonly counters: Map<string, Counter>;
  private readonly histograms: Map<string, Histogram>;
  private readonly appendFailures: Counter;
  private readonly rejected: Counter;

  private constructor(
    private readonly provider: MeterProvider,
    private readonly exporter: PrometheusExporter,
    private readonly meter: Meter,
    store: StoreProbe,
  ) {
    this.counters = new Map(Object.entries(COUNTERS).map(([name, description]) => [name, meter.createCounter(name, { description })]));
    this.histograms = new Map(
      Object.entries(HISTOGRAMS).map(([name, description]) => [name, meter.createHistogram(name, { description, advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS } })]),
    );
    this.appendFailures = meter.createCounter(METRIC.appendFailures, { description: 'Event appends that failed, by event type and reason (invalid, store).' });
    this.rejected = meter.createCounter(METRIC.rejectedMessages, { description: 'Messages a consumer could not decode and dropped, by durable consumer.' });
    this.observeState(meter, store);
  }

  static create(serviceName: string, store: StoreProbe): JarvisMetrics {
    const exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': serviceName, 'service.namespace': 'jarvis' }), readers: [exporter] });
    return new JarvisMetrics(provider, exporter, provider.getMeter('jarvis'), store);
  }

  /**
   * What storing `event` counts, read from the case book before the append: the process's own consumers may be
   * delivered the event (and fold it into the book) before the store acknowledges the append.
   */
  observationsOf(event: JarvisEvent): Observation[] {
    return observationsOf(event, this.cases);
  }

  /** Counts what an event this process stored (not a duplicate) stands for. */
  count(observations: readonly Observation[]): void {
    for (const observation of observations) {
      if (observation.kind === 'count') this.counters.get(observation.metric)!.add(1, observation.labels);
      else this.histograms.get(observation.metric)!.record(observation.value, observation.labels);
    }
  }

  /** An event read from the log (replayed or delivered): it only updates the case book. */
  seen(event: JarvisEvent): void {
    this.cases.apply(event);
  }

  appendFailed(event: JarvisEvent, reason: AppendFailure): void {
    // An invalid event may carry any type: only catalog types become label values.
    this.appendFailures.add(1, { [LABEL.eventType]: isEventType(event.type) ? event.type : 'unknown', [LABEL.reason]: reason });
  }

  consuming(durable: string): void {
    this.durables.add(durable);
  }

  rejectedMessage(durable: string): void {
    this.rejected.add(1, { [LABEL.durable]: durable });
  }

  /**
   * Exports the reliability figures as gauges, from `read()` at each scrape. Only the process running the audit
   * service calls this, so in the split shape each figure comes from one instance and summing never doubles it.
   */
  observeReliability(read: () => ReliabilityReply): void {
    const gauges = new Map(
      (Object.entries(RELIABILITY_GAUGES) as [ReliabilityGauge, string][]).map(([name, description]) => [name, this.meter.createObservableGauge(name, { description })]),
    );
    this.meter.addBatchObservableCallback((result) => {
      for (const { gauge, value, labels } of reliabilityReadings(read())) result.observe(gauges.get(gauge)!, value, labels);
    }, [...gauges.values()]);
  }

  /** Answers a scrape with the Prometheus text format. */
  serve(request: IncomingMessage, response: ServerResponse): void {
    this.exporter.getMetricsRequestHandler(request, response);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }

  private observeState(meter: Meter, store: StoreProbe): void {
    const open = meter.createObservableGauge(METRIC.incidentsOpen, { description: 'Incidents open or escalated, by target and check.' });
    const breaker = meter.createObservableGauge(METRIC.breakerOpen, { description: "1 while a target's latest decision was a circuit-breaker denial, else 0." });
    const pending = meter.createObservableGauge(METRIC.consumerPending, { description: 'Messages in the event stream not yet delivered to a durable consumer of this process.' });
    const ackPending = meter.createObservableGauge(METRIC.consumerAckPending, { description: 'Messages delivered to a durable consumer of this process and not yet acknowledged.' });
    const up = meter.createObservableGauge(METRIC.eventStoreUp, { description: '1 when the event store answered this scrape, else 0.' });
    meter.addBatchObservableCallback(
      async (result) => {
        this.observeCases(open, breaker, (gauge, value, labels) => result.observe(gauge, value, labels));
        const look = await store.look([...this.durables]);
        result.observe(up, look.up ? 1 : 0);
        for (const lag of look.lags) {
          result.observe(pending, lag.pending, { [LABEL.durable]: lag.durable });
          result.observe(ackPending, lag.ackPending, { [LABEL.durable]: lag.durable });
        }
      },
      [open, breaker, pending, ackPending, up],
    );
  }

  private observeCases(open: ObservableGauge, breaker: ObservableGauge, observe: (gauge: ObservableGauge, value: number, labels: Attributes) => void): void {
    for (const pair of this.cases.openCounts()) observe(open, pair.open, { [LABEL.target]: pair.target, [LABEL.check]: pair.check });
    for (const [target, tripped] of this.cases.breakerStates()) observe(breaker, tripped ? 1 : 0, { [LABEL.target]: target });
  }
}
