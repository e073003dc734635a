import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { subjectOf, type EventType, type JarvisEvent } from '@jarvis/contracts';
import { ATTR, MESSAGING, MESSAGING_OPERATION, MESSAGING_SYSTEM_NATS } from './names.js';

export { SpanKind, SpanStatusCode, type Span, type Context };

/** Anything header-like: NATS MsgHdrs, a Map, a plain wrapper. */
export type HeaderCarrier = { get(key: string): string | undefined | null; set(key: string, value: string): void };

const getter: TextMapGetter<HeaderCarrier> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};
const setter: TextMapSetter<HeaderCarrier> = { set: (carrier, key, value) => carrier.set(key, value) };

export function injectContext(carrier: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, carrier, setter);
}

export function extractContext(carrier: HeaderCarrier | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier, getter) : context.active();
}

export function tracer(): Tracer {
  return trace.getTracer('jarvis');
}

export type TelemetryHandle = { shutdown(): Promise<void> };

/**
 * Starts tracing when the standard OTEL_* variables ask for it (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT; OTEL_TRACES_EXPORTER=none turns it off). Without them, spans are no-ops and
 * only the W3C context still travels in NATS headers.
 */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): TelemetryHandle {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const exporter = exporterFromEnv(env);
  if (!exporter) return { shutdown: async () => undefined };
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env['OTEL_SERVICE_NAME'] ?? serviceName, 'service.namespace': 'jarvis' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: Number(env['OTEL_BSP_SCHEDULE_DELAY'] ?? 1000) })],
  });
  provider.register();
  return {
    shutdown: async () => {
      // The exporter rejects when no collector listens; losing spans on shutdown must not fail the shutdown.
      await provider.shutdown().catch(() => undefined);
    },
  };
}

function exporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  if (env['OTEL_TRACES_EXPORTER'] === 'none') return undefined;
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!endpoint && env['OTEL_TRACES_EXPORTER'] !== 'otlp') return undefined;
  const protocol = env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'] ?? 'http/protobuf';
  if (protocol === 'http/json') return new OtlpHttpJsonExporter();
  if (protocol === 'http/protobuf') return new OtlpProtoExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: unsupported value "${protocol}" (use http/protobuf or http/json)`);
}

/** Runs fn inside a span that ends with fn, recording a thrown error. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; parent?: Context; attributes?: Record<string, string | number | boolean> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes ?? {} }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export type SpanAttributes = Record<string, string | number | boolean>;

/** The attributes of a span that handles a delivered event: the case it belongs to and the message it came in. */
export function eventAttributes(event: JarvisEvent): SpanAttributes {
  return { ...caseAttributes(event), ...messagingAttributes(event, MESSAGING_OPERATION.process) };
}

/** The attributes of a span that appends `event`: the case it belongs to and the message it sends. */
export function publishAttributes(event: JarvisEvent): SpanAttributes {
  return { ...caseAttributes(event), ...messagingAttributes(event, MESSAGING_OPERATION.publish) };
}

/**
 * What an event tells about its case: ids, target, and whichever of check, action, decision, result and resolution
 * it carries. Stamped on the span active when the event is appended too, so every span of a case says how it went.
 */
export function caseAttributes(event: JarvisEvent): SpanAttributes {
  return { [ATTR.eventId]: event.id, [ATTR.eventType]: event.type, ...stateOfCase(event) };
}

function stateOfCase(event: JarvisEvent): SpanAttributes {
  const data = event.data as unknown as Record<string, unknown>;
  const attributes: SpanAttributes = {
    [ATTR.incidentId]: event.correlationId,
    [ATTR.target]: event.subject,
    [ATTR.targetKind]: event.data.target.kind,
    [ATTR.targetId]: event.data.target.id,
  };
  if (typeof data['check'] === 'string') attributes[ATTR.check] = data['check'];
  if (typeof data['action'] === 'string') attributes[ATTR.action] = data['action'];
  if (typeof data['rule'] === 'string') attributes[ATTR.decisionRule] = data['rule'];
  if (event.type === 'RemediationDecided') attributes[ATTR.decisionOutcome] = event.data.outcome;
  if (event.type === 'IncidentResolved') attributes[ATTR.resolution] = event.data.resolution;
  const result = RESULTS[event.type];
  if (result) attributes[result[0]] = result[1];
  return attributes;
}

/** The events that end a step, and how it ended. */
const RESULTS: Partial<Record<EventType, [string, string]>> = {
  ActionSucceeded: [ATTR.actionResult, 'succeeded'],
  ActionFailed: [ATTR.actionResult, 'failed'],
  ActionRefused: [ATTR.actionResult, 'refused'],
  DecisionSuperseded: [ATTR.actionResult, 'superseded'],
  VerificationPassed: [ATTR.verificationResult, 'passed'],
  VerificationFailed: [ATTR.verificationResult, 'failed'],
};

function messagingAttributes(event: JarvisEvent, operation: string): SpanAttributes {
  return {
    [MESSAGING.system]: MESSAGING_SYSTEM_NATS,
    [MESSAGING.destinationName]: subjectOf(event.type),
    [MESSAGING.operationType]: operation,
    [MESSAGING.messageId]: event.id,
  };
}

/**
 * Adds what an appended event says about its case to the span it was appended in (the act span learns its action's
 * result, the verify span the verdict), never the event's own id or type: those describe the span's trigger.
 */
export function annotateActiveSpan(event: JarvisEvent): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttributes(stateOfCase(event));
}
