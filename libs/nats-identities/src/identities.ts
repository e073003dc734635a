import { EVENT_CATALOG, PROCESSOR_SERVICES, RECORD_STREAMS, SERVICE_NAMES, SINGLE_INSTANCE_SERVICES, eventsPublishedBy, recordStreamsPublishedBy, rpcRequestedBy, rpcServedBy, type RecordStream, type RpcRoute, type ServiceName } from '@jarvis/contracts';

/** The JetStream names the permissions refer to; the caller passes those of the adapters (event log, locks, snapshots). */
export type JetStreamLayout = { stream: string; lockBucket: string; snapshotBucket: string };

/** One NATS user and the services a Jarvis process logged in as that user runs. */
export type IdentityGroup = { name: string; services: readonly ServiceName[] };

export type SubjectRules = { allow: string[]; deny: string[] };

export type NatsIdentity = { name: string; services: readonly ServiceName[]; inboxPrefix: string; publish: SubjectRules; subscribe: SubjectRules };

/** The split shape: one identity per service, named after it. */
export const SPLIT_SHAPE: readonly IdentityGroup[] = SERVICE_NAMES.map((service) => ({ name: service, services: [service] }));
/** The all-in-one shape: one process, one identity with the union of every service's rights. */
export const ALL_IN_ONE_SHAPE: readonly IdentityGroup[] = [{ name: 'jarvis', services: SERVICE_NAMES }];
export const OPERATOR = 'operator';

/**
 * Each identity gets its own inbox prefix: with the shared `_INBOX.>` every identity could read every reply in the
 * account, JetStream deliveries to other services included.
 */
export function inboxPrefixOf(identity: string): string {
  return `_INBOX_${identity}`;
}

/** The durable consumer and snapshot key of a processor service (the processors' `name`). */
export function durableOf(service: ServiceName): string {
  return `jarvis-${service}`;
}

/** The user names of every identity, in the order of the generated config. */
export function identityNames(): string[] {
  return [...SPLIT_SHAPE, ...ALL_IN_ONE_SHAPE].map((group) => group.name).concat(OPERATOR);
}

/** Every identity of both shapes, then the operator. */
export function deploymentIdentities(layout: JetStreamLayout): NatsIdentity[] {
  return [...shapeIdentities(layout, SPLIT_SHAPE), ...shapeIdentities(layout, ALL_IN_ONE_SHAPE), operatorIdentity(layout)];
}

export function shapeIdentities(layout: JetStreamLayout, shape: readonly IdentityGroup[]): NatsIdentity[] {
  return shape.map((group) => serviceIdentity(layout, shape, group));
}

function serviceIdentity(layout: JetStreamLayout, shape: readonly IdentityGroup[], group: IdentityGroup): NatsIdentity {
  const inbox = `${inboxPrefixOf(group.name)}.>`;
  const served = group.services.flatMap(rpcServedBy);
  const processors = PROCESSOR_SERVICES.filter((s) => group.services.includes(s));
  const publishAllow = [
    ...group.services.flatMap(eventsPublishedBy).map((type) => EVENT_CATALOG[type].subject),
    ...group.services.flatMap(rpcRequestedBy).map((route) => route.subject),
    ...repliesOf(shape, served),
    ...eventLogAccess(layout),
    ...processors.map((service) => ackAccess(layout, service)),
    ...(processors.length > 0 ? readerAccess(layout) : []),
    ...processors.flatMap((service) => keyAccess(layout.snapshotBucket, durableOf(service), true)),
    ...(processors.length > 0 ? bucketAccess(layout.snapshotBucket) : []),
    ...SINGLE_INSTANCE_SERVICES.filter((s) => group.services.includes(s)).flatMap((service) => keyAccess(layout.lockBucket, service, false)),
    ...(SINGLE_INSTANCE_SERVICES.some((s) => group.services.includes(s)) ? [...bucketAccess(layout.lockBucket), `$JS.API.STREAM.UPDATE.KV_${layout.lockBucket}`] : []),
    ...group.services.flatMap(recordStreamsPublishedBy).flatMap(recordStreamAccess),
  ];
  const othersDurables = PROCESSOR_SERVICES.filter((s) => !group.services.includes(s)).flatMap((s) => durableDenials(layout, durableOf(s)));
  const ownDurablesKept = processors.map((s) => `$JS.API.CONSUMER.DELETE.${layout.stream}.${durableOf(s)}`);
  return {
    name: group.name,
    services: group.services,
    inboxPrefix: inboxPrefixOf(group.name),
    publish: { allow: unique(publishAllow), deny: unique([...streamProtection(layout), ...othersDurables, ...ownDurablesKept]) },
    subscribe: { allow: unique([inbox, ...served.map((route) => route.subject)]), deny: [] },
  };
}

/**
 * Reads everything, publishes nothing: subscriptions to every Jarvis subject, and only the JetStream API calls that
 * read (`nats sub`, `nats stream info|get|ls`, `nats consumer info|ls`). It may create and pull short-lived readers on
 * the event stream (named in the subject, unfiltered), which `jarvis audit replay|verify|export` read with, 14 times
 * faster than by sequence; never the services' durables (pulling one would take their deliveries), and it deletes
 * no consumer: the readers expire on their own. `nats stream view` needs a legacy name-less consumer: not granted.
 */
export function operatorIdentity(layout: JetStreamLayout): NatsIdentity {
  return {
    name: OPERATOR,
    services: [],
    inboxPrefix: inboxPrefixOf(OPERATOR),
    publish: {
      allow: [
        '$JS.API.INFO',
        '$JS.API.STREAM.NAMES',
        '$JS.API.STREAM.LIST',
        '$JS.API.STREAM.INFO.*',
        '$JS.API.STREAM.MSG.GET.*',
        '$JS.API.DIRECT.GET.*',
        '$JS.API.DIRECT.GET.*.>',
        '$JS.API.CONSUMER.NAMES.*',
        '$JS.API.CONSUMER.LIST.*',
        '$JS.API.CONSUMER.INFO.*.*',
        `$JS.API.CONSUMER.CREATE.${layout.stream}.*`,
        `$JS.API.CONSUMER.MSG.NEXT.${layout.stream}.*`,
      ],
      deny: unique([...streamProtection(layout), ...PROCESSOR_SERVICES.flatMap((s) => ['CREATE', 'MSG.NEXT'].map((op) => `$JS.API.CONSUMER.${op}.${layout.stream}.${durableOf(s)}`))]),
    },
    subscribe: { allow: ['jarvis.>', `${inboxPrefixOf(OPERATOR)}.>`], deny: [] },
  };
}

/**
 * Replies go to the requester's own inbox by an explicit grant, not `allow_responses`: that option overrides the
 * deny rules, and a forged reply-to naming an event subject would let a responder append that event.
 */
function repliesOf(shape: readonly IdentityGroup[], served: readonly RpcRoute[]): string[] {
  const requesters = served.flatMap((route) => route.requestedBy);
  return shape.filter((group) => group.services.some((s) => requesters.includes(s))).map((group) => `${inboxPrefixOf(group.name)}.>`);
}

/** Opening the event log: the API check, the stream's config check, and creating it on a first start. */
function eventLogAccess(layout: JetStreamLayout): string[] {
  return ['$JS.API.INFO', `$JS.API.STREAM.INFO.${layout.stream}`, `$JS.API.STREAM.CREATE.${layout.stream}`];
}

/** Acknowledging (and extending, nak-ing, terminating) the deliveries of a processor's own durable. */
function ackAccess(layout: JetStreamLayout, service: ServiceName): string {
  return `$JS.ACK.${layout.stream}.${durableOf(service)}.>`;
}

/**
 * Consumers on the event stream, always named in the subject (never the legacy name-less subject, which takes the
 * name from the body and can rewrite another consumer): the processor's durable, and the short-lived readers that
 * rebuild state, whose names are random, hence the wildcard. The denials keep it off other services' durables.
 * Reading one message by sequence is how a reader recovers deliveries lost to a dropped connection.
 */
function readerAccess(layout: JetStreamLayout): string[] {
  return ['CREATE', 'INFO', 'DELETE']
    .map((op) => `$JS.API.CONSUMER.${op}.${layout.stream}.*`)
    .concat(`$JS.API.CONSUMER.MSG.NEXT.${layout.stream}.*`, `$JS.API.STREAM.MSG.GET.${layout.stream}`);
}

function durableDenials(layout: JetStreamLayout, durable: string): string[] {
  return [`$JS.API.CONSUMER.*.${layout.stream}.${durable}`, `$JS.API.CONSUMER.*.${layout.stream}.${durable}.>`, `$JS.API.CONSUMER.*.*.${layout.stream}.${durable}`];
}

/** A key-value bucket: create it on a first start and read its status. */
function bucketAccess(bucket: string): string[] {
  return [`$JS.API.STREAM.INFO.KV_${bucket}`, `$JS.API.STREAM.CREATE.KV_${bucket}`];
}

/** Writes and direct reads of one key (and of the keys below it, for chunked snapshots). */
function keyAccess(bucket: string, key: string, withChildren: boolean): string[] {
  const keys = withChildren ? [key, `${key}.>`] : [key];
  return keys.flatMap((k) => [`$KV.${bucket}.${k}`, `$JS.API.DIRECT.GET.KV_${bucket}.$KV.${bucket}.${k}`]);
}

/** Nobody deletes, purges, edits or removes messages from the event stream, whatever else they are granted. */
function streamProtection(layout: JetStreamLayout): string[] {
  return ['DELETE', 'PURGE', 'UPDATE', 'MSG.DELETE']
    .map((op) => `$JS.API.STREAM.${op}.${layout.stream}`)
    .concat(`$JS.API.CONSUMER.CREATE.${layout.stream}`, `$JS.API.CONSUMER.DURABLE.CREATE.${layout.stream}.*`, ...RECORD_STREAMS.flatMap(recordStreamProtection));
}

/**
 * Its one publisher appends to a record stream, creates it on a first start and reads its latest message (where
 * it resumes); the operator reads it like any stream.
 */
function recordStreamAccess(record: RecordStream): string[] {
  return [record.subject, ...['INFO', 'CREATE', 'MSG.GET'].map((op) => `$JS.API.STREAM.${op}.${record.stream}`)];
}

/** The same protection as the event stream's: nothing written there can be taken back. */
function recordStreamProtection(record: RecordStream): string[] {
  return ['DELETE', 'PURGE', 'UPDATE', 'MSG.DELETE'].map((op) => `$JS.API.STREAM.${op}.${record.stream}`);
}

function unique(subjects: string[]): string[] {
  return [...new Set(subjects)];
}
