import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeEvent } from './codec.js';
import { EVENT_CATALOG } from './catalog.js';

/** Recorded from a real run of the last version-1 build: a crash healed, an owner's stop, a crash loop escalated. */
const V1_LOG = readFileSync(new URL('../fixtures/v1-log.jsonl', import.meta.url), 'utf8').trim().split('\n');

describe('reading a log written at schema version 1', () => {
  const raw = V1_LOG.map((line) => JSON.parse(line) as { type: keyof typeof EVENT_CATALOG; version: number; data: { target: { name: string } } });
  const decoded = V1_LOG.map((line) => decodeEvent(line));

  it('is a version-1 log', () => {
    assert.ok(raw.length >= 15);
    assert.ok(raw.every((e) => e.version === 1));
  });

  it('decodes every event at the current version, none dropped', () => {
    const failures = decoded.flatMap((d, i) => (d.ok ? [] : [`line ${i + 1}: ${d.errors.join('; ')}`]));
    assert.deepEqual(failures, []);
    for (const d of decoded) if (d.ok) assert.equal(d.value.version, EVENT_CATALOG[d.value.type].version);
  });

  it('turns the target name into the id of a container target', () => {
    decoded.forEach((d, i) => {
      assert.ok(d.ok);
      assert.deepEqual({ ...d.value.data.target }, { kind: 'container', id: raw[i]!.data.target.name });
    });
  });

  it('names the check of each opened incident and gives decisions and actions their new fields', () => {
    const events = decoded.flatMap((d) => (d.ok ? [d.value] : []));
    const types = new Set(events.map((e) => e.type));
    for (const type of ['IncidentOpened', 'RemediationDecided', 'ActionStarted', 'ActionSucceeded'] as const) assert.ok(types.has(type), type);
    for (const e of events) {
      if (e.type === 'IncidentOpened') assert.equal(e.data.check, 'container_state');
      if (e.type === 'RemediationDecided') assert.deepEqual([e.data.params, e.data.risk], [{}, 'low']);
      if (e.type === 'ActionStarted') assert.deepEqual(e.data.params, {});
      if (e.type === 'ActionSucceeded') assert.deepEqual(e.data.details, {});
    }
  });

  it('keeps ids, times and links as written', () => {
    decoded.forEach((d, i) => {
      assert.ok(d.ok);
      const original = JSON.parse(V1_LOG[i]!) as Record<string, unknown>;
      for (const field of ['id', 'type', 'source', 'time', 'subject', 'correlationId', 'causationId']) assert.equal((d.value as Record<string, unknown>)[field], original[field], field);
    });
  });
});
