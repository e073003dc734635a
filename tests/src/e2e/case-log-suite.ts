import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crashMainProcess, runContainer, waitRunning } from '../support/docker-harness.js';
import type { JarvisDeployment, Shape } from '../support/jarvis-harness.js';
import { useLab } from '../support/lab.js';
import { waitFor } from '../support/processes.js';

const CONFIG = `
watch:
  reconcileIntervalSeconds: 5
verification:
  stableForMs: 1000
`;

const ANSI_ESCAPE = '\u001b[';

type JsonLine = { level: string; timestamp: string | number; message: string; context?: string };

/**
 * The steps a healed crash goes through. Each is told by the service that recorded it once its append is
 * acknowledged, so another service may tell the next step a few milliseconds earlier: the test asks for each step
 * once, not for an order across services.
 */
const HEALED_CRASH_STEPS = ['detected', 'opened', 'decided', 'acting', 'acted', 'verified', 'resolved'];

function stepsOf(messages: readonly string[], caseId: string): string[] {
  const marker = `[case ${caseId}] `;
  return messages.filter((m) => m.includes(marker)).map((m) => m.slice(m.indexOf(marker) + marker.length).split(':')[0]!);
}

function messagesOf(processes: JarvisDeployment['processes'], format: 'json' | 'text'): string[] {
  const lines = processes.flatMap((p) => p.proc.log().split('\n')).filter((l) => l.trim() !== '');
  if (format === 'text') return lines;
  const parsed = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JsonLine);
  assert.ok(parsed.length > 0, lines.join('\n'));
  for (const line of parsed) assert.ok(typeof line.message === 'string' && line.level && line.timestamp, JSON.stringify(line));
  return parsed.sort((a, b) => Number(new Date(a.timestamp)) - Number(new Date(b.timestamp))).map((l) => l.message);
}

/** Jarvis's log as people and log shippers read it: a line per step of a case, JSON lines on request, never colour codes in a file. */
export function caseLogSuite(shape: Shape, format: 'json' | 'text'): void {
  describe(`the log of a case (${shape}, ${format})`, { timeout: 180_000 }, () => {
    const lab = useLab(shape, CONFIG, { env: { JARVIS_LOG_FORMAT: format } });

    it('tells every step of a healed crash once, with no colour codes in a file', async () => {
      await runContainer(lab.docker.docker, { name: 'told', cmd: ['sleep', '100000'], watched: true });
      await waitRunning(lab.docker.docker, 'told');
      await crashMainProcess(lab.docker.docker, 'told');
      const resolved = await lab.explained('container:told', lab.reader.waitForEvent('IncidentResolved', (e) => e.subject === 'container:told', 60_000));
      // The event is read from the store the moment it is acknowledged; its service writes the line just after.
      const told = () => stepsOf(messagesOf(lab.jarvis.processes, format), resolved.correlationId);
      await waitFor('a line for every step', () => (HEALED_CRASH_STEPS.every((step) => told().includes(step)) ? true : undefined), 10_000).catch(() => undefined);
      const output = lab.jarvis.logs();
      assert.ok(!output.includes(ANSI_ESCAPE), 'no ANSI escape codes in a log that is not a terminal');
      assert.deepEqual([...told()].sort(), [...HEALED_CRASH_STEPS].sort(), output);
    });
  });
}
