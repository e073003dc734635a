import { setTimeout as sleep } from 'node:timers/promises';
import { containerTarget, createEvent, newId, type JarvisEvent } from '@jarvis/contracts';
import type { Delivery, DeliveryOutcome, EventLog, StoredEvent, Subscription } from '../event-log.js';

const WAIT_MS = 10_000;
const POLL_MS = 20;

/** A valid event with a fresh id: which type does not matter to a log. */
export function sampleEvent(label: string): JarvisEvent {
  const at = new Date().toISOString();
  return createEvent({
    id: newId(),
    type: 'DetectionRecorded',
    source: 'monitor',
    time: at,
    subject: `container:${label}`,
    correlationId: newId(),
    causationId: null,
    data: { target: containerTarget(label), check: 'container_state', status: 'failed', reason: 'exited with code 1', faultAt: at },
  });
}

/** What a subscriber does with each delivery; by default it settles it as done. */
export type Reaction = (delivery: Delivery, nth: number) => DeliveryOutcome | undefined;

/** A subscriber that keeps every delivery it was handed, in order. */
export class Recorder {
  readonly deliveries: Delivery[] = [];
  private subscription: Subscription | undefined;

  constructor(private readonly react: Reaction = () => ({ kind: 'done' })) {}

  async subscribe(log: EventLog, durable: string): Promise<this> {
    this.subscription = await log.subscribe(durable, (delivery) => {
      this.deliveries.push(delivery);
      const outcome = this.react(delivery, this.deliveries.length);
      if (outcome) delivery.settle(outcome);
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  seqs(): number[] {
    return this.deliveries.map((d) => d.seq);
  }

  /** Resolves once `count` deliveries arrived; fails naming what arrived after a bounded wait. */
  async received(count: number, what: string): Promise<Delivery[]> {
    const deadline = Date.now() + WAIT_MS;
    while (this.deliveries.length < count) {
      if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS} ms for ${what}: ${count} deliveries expected, got seqs [${this.seqs().join(', ')}]`);
      await sleep(POLL_MS);
    }
    return this.deliveries;
  }
}

export function idOf(delivery: Delivery): string {
  if (!delivery.decoded.ok) throw new Error(`seq ${delivery.seq} was not decodable: ${delivery.decoded.errors.join('; ')}`);
  return delivery.decoded.stored.event.id;
}

export async function readAll(log: EventLog, fromSeq = 1): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const stored of log.readFrom(fromSeq)) out.push(stored);
  return out;
}

/** Lets time pass for a negative observation ("nothing more arrives"): never used to judge speed. */
export function quietFor(ms: number): Promise<void> {
  return sleep(ms);
}

/** Polls `probe` until it holds, for a bounded time. */
export async function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS} ms for ${what}`);
    await sleep(POLL_MS);
  }
}
