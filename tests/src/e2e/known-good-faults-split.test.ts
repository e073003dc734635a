import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JarvisEventOf } from '@jarvis/contracts';
import { ddclientOnlyConfig, scheduledRun } from '../lab/dns-scenario.js';
import { startEdgeLab, type EdgeLab } from '../lab/edge-lab.js';
import { onEventPublished } from '../support/event-trigger.js';
import { useLab } from '../support/lab.js';
import { exactlyOnceProblems } from '../support/store-invariants.js';

const SUBJECT = 'ddclient:lab';
const COPY_WAIT_MS = 90_000;

/**
 * The config editor's known-good keeper (its consumer of CheckConfirmed) through faults: each confirmation of a new
 * content gets exactly one ConfigKnownGoodRecorded, naming an intact 0600 copy.
 */
describe('known-good copies of ddclient.conf through a kill -9 of the config editor and a NATS restart (split)', { timeout: 300_000 }, () => {
  let edge: EdgeLab;
  const files = { log: '', backups: '' };
  const lab = useLab('split', () => ddclientOnlyConfig(edge, files), {
    beforeJarvis: async () => {
      edge = await startEdgeLab({ dir: mkdtempSync(join(tmpdir(), 'jarvis-known-good-faults-')) });
      files.log = join(edge.paths.dir, 'ddclient.log');
      files.backups = mkdtempSync(join(tmpdir(), 'jarvis-known-good-backups-'));
      writeFileSync(files.log, '');
      await scheduledRun(edge, files.log, true);
    },
  });

  after(async () => {
    await edge?.stop();
    if (files.backups) rmSync(files.backups, { recursive: true, force: true });
  });

  const copiesFolder = () => join(files.backups, 'known-good');
  const copies = () => (existsSync(copiesFolder()) ? readdirSync(copiesFolder()).filter((name) => name.endsWith('.good')) : []);

  /**
   * A harmless change of ddclient.conf that ddclient then publishes with, and a restarted monitor: its next pass
   * is a new confirmation (one per passing streak, counted from its start) of a content not yet kept.
   */
  async function confirmNewContent(label: string): Promise<string> {
    const content = `${readFileSync(edge.paths.ddclientConf, 'utf8')}# ${label}\n`;
    writeFileSync(edge.paths.ddclientConf, content);
    await scheduledRun(edge, files.log, true);
    const monitor = lab.jarvis.processOf('monitor');
    await monitor.proc.kill9();
    await lab.jarvis.restart(monitor);
    return content;
  }

  /** The one record of the confirmation that follows `known`, with its copy checked intact. */
  async function recordedOnce(known: readonly string[], content: string): Promise<JarvisEventOf<'ConfigKnownGoodRecorded'>> {
    const recorded = await lab.explained(SUBJECT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => !known.includes(e.id), COPY_WAIT_MS));
    await sleep(3000);
    const all = await lab.reader.events((e) => e.type === 'ConfigKnownGoodRecorded');
    assert.equal(all.filter((e) => e.type === 'ConfigKnownGoodRecorded' && e.data.confirmationId === recorded.data.confirmationId).length, 1, 'one record per confirmation');
    assert.equal(all.length, known.length + 1, 'no record of anything else');
    const copy = join(copiesFolder(), recorded.data.knownGood);
    assert.equal(readFileSync(copy, 'utf8'), content, 'the recorded copy is intact');
    assert.equal(statSync(copy).mode & 0o777, 0o600);
    assert.deepEqual(exactlyOnceProblems(await lab.reader.events()), []);
    return recorded;
  }

  const recordIds = async () => (await lab.reader.events((e) => e.type === 'ConfigKnownGoodRecorded')).map((e) => e.id);

  it('records a copy once when the config editor is killed -9 after writing it, before recording it', async () => {
    await lab.explained(SUBJECT, lab.reader.waitForEvent('ConfigKnownGoodRecorded', (e) => e.subject === SUBJECT, COPY_WAIT_MS));
    const known = await recordIds();
    const before = new Set(copies());
    const editor = lab.jarvis.processOf('config-editor');
    let expected = '';
    // Polls for the new copy holding the whole content: the moment between its write and the event's append.
    const killed = (async () => {
      const until = Date.now() + COPY_WAIT_MS;
      while (Date.now() < until) {
        const written = copies().filter((name) => !before.has(name));
        if (expected !== '' && written.some((name) => readFileSync(join(copiesFolder(), name), 'utf8') === expected)) {
          await editor.proc.kill9();
          return (await recordIds()).length - known.length;
        }
        await sleep(1);
      }
      throw new Error('no new known-good copy was written');
    })();
    expected = await confirmNewContent('first fault');
    const recordsAtKill = await killed;
    await lab.jarvis.restart(editor);
    const recorded = await recordedOnce(known, expected);
    assert.ok(recordsAtKill <= 1, `${recordsAtKill} records already stored when the editor was killed`);
    assert.notEqual(recorded.data.knownGood, undefined);
  });

  it('records a copy once when nats-server is restarted the moment the confirmation is stored', async () => {
    const known = await recordIds();
    const restart = await onEventPublished(lab.nats.url, 'CheckConfirmed', (e) => e.subject === SUBJECT, async () => {
      await lab.nats.restart();
    });
    let content = '';
    try {
      content = await confirmNewContent('second fault');
      await restart.fired(60_000);
    } finally {
      await restart.close();
    }
    await recordedOnce(known, content);
  });
});
