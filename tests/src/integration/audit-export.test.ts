import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { containerTarget, createEvent, derivedId, type JarvisEvent } from '@jarvis/contracts';
import { JetStreamEventLog } from '@jarvis/event-log';
import { runJarvisCli } from '../support/jarvis-cli.js';
import { startNats, type NatsHarness } from '../support/nats-harness.js';

function openedAt(time: string, summary: string): JarvisEvent {
  const target = containerTarget('web');
  return createEvent({
    id: derivedId('export', time), type: 'IncidentOpened', source: 'monitor', time, subject: 'container:web', correlationId: derivedId('case', time), causationId: null,
    data: { target, check: 'container_state', detectionId: derivedId('detection', time), faultAt: time, summary },
  });
}

const EVENTS = [openedAt('2026-10-01T10:00:00.000Z', 'first'), openedAt('2026-10-15T10:00:00.000Z', 'said "down", twice'), openedAt('2026-11-01T00:00:00.000Z', 'third')];

/** `jarvis audit export` against a real JetStream stream. */
describe('jarvis audit export', { timeout: 120_000 }, () => {
  let nats: NatsHarness;
  let nc: NatsConnection;
  const cli = (args: string[]) => runJarvisCli(['audit', 'export', ...args], { NATS_URL: nats.url });

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: [nats.url] });
    const log = await JetStreamEventLog.open(nc);
    for (const event of EVENTS) await log.append(event);
  });
  after(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('writes every stored event as a JSON line with its sequence, in stream order', async () => {
    const result = await cli([]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as JarvisEvent & { seq: number });
    assert.deepEqual(lines.map((l) => [l.seq, l.id]), EVENTS.map((e, i) => [i + 1, e.id]));
    assert.deepEqual(lines[1], { seq: 2, ...JSON.parse(JSON.stringify(EVENTS[1])) });
    assert.match(result.stderr, /exported 3 event\(s\) of 3 read \(jsonl\)/);
  });

  it('keeps only the events from --since up to (not including) --until', async () => {
    const result = await cli(['--since', '2026-10-10', '--until', '2026-11-01T00:00:00Z']);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n').map((l) => (JSON.parse(l) as JarvisEvent).id), [EVENTS[1]!.id]);
  });

  it('writes CSV with a header, quoting cells that hold commas or quotes', async () => {
    const result = await cli(['--format', 'csv', '--since', '2026-10-10']);
    assert.equal(result.status, 0, result.stderr);
    const [header, ...rows] = result.stdout.trim().split('\n');
    assert.equal(header, 'seq,id,time,type,version,source,subject,correlationId,causationId,data');
    assert.equal(rows.length, 2);
    assert.ok(rows[0]!.startsWith(`2,${EVENTS[1]!.id},2026-10-15T10:00:00.000Z,IncidentOpened,2,monitor,container:web,`), rows[0]);
    assert.ok(rows[0]!.includes('""summary"":""said \\""down\\"", twice""'), rows[0]);
  });

  it('refuses a bad date, a bad format or an empty range, naming the option (exit 2), and says when NATS is unreachable (exit 1)', async () => {
    for (const [args, message] of [
      [['--since', 'yesterday'], '--since: "yesterday" is not a date'],
      [['--format', 'xml'], '--format: "xml" is not a format (expected jsonl or csv)'],
      [['--since', '2026-11-01', '--until', '2026-10-01'], '--until: must be after --since'],
    ] as const) {
      const result = await cli([...args]);
      assert.equal(result.status, 2, result.stderr);
      assert.ok(result.stderr.includes(message), result.stderr);
    }
    const unreachable = await runJarvisCli(['audit', 'export'], { NATS_URL: 'nats://127.0.0.1:1' });
    assert.equal(unreachable.status, 1, unreachable.stderr);
  });
});
