import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoggerService } from '@nestjs/common';
import { containerTarget, createEvent, newId } from '@jarvis/contracts';
import { MemoryEventLog } from '@jarvis/event-log';
import { logCaseSteps } from './case-step-log.js';

class LineCollector implements LoggerService {
  readonly lines: string[] = [];
  log(message: string): void {
    this.lines.push(`log ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

const opened = () =>
  createEvent({
    id: newId(), type: 'IncidentOpened', source: 'monitor', time: '2026-11-29T02:00:00.000Z', subject: 'container:web', correlationId: newId(), causationId: null,
    data: { target: containerTarget('web'), check: 'container_state', detectionId: newId(), faultAt: '2026-11-29T02:00:00.000Z', summary: 'exited with code 1' },
  });

describe('logCaseSteps', () => {
  it('writes one line per recorded step, and none for a de-duplicated append of the same event', async () => {
    const logger = new LineCollector();
    const log = logCaseSteps(new MemoryEventLog(), logger);
    const event = opened();
    await log.append(event);
    await log.append(event);
    assert.deepEqual(logger.lines, [`warn container:web [case ${event.correlationId}] opened: container_state: exited with code 1`]);
  });

  it('writes nothing for an append the log refused', async () => {
    const logger = new LineCollector();
    const inner = new MemoryEventLog();
    const log = logCaseSteps(Object.assign(Object.create(inner) as MemoryEventLog, { append: () => Promise.reject(new Error('store full')) }), logger);
    await assert.rejects(log.append(opened()), /store full/);
    assert.deepEqual(logger.lines, []);
  });
});
