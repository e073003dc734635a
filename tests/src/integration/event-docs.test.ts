import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  DECISION_OUTCOMES,
  DETECTION_STATUSES,
  EVENT_CATALOG,
  REFUSAL_REASONS,
  RESOLUTIONS,
  RISK_LEVELS,
  TARGET_KINDS,
} from '@jarvis/contracts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GENERATOR = join(ROOT, 'tools', 'generate-event-docs.mjs');
const DOCS = join(ROOT, 'docs', 'events.md');
const BEGIN = '<!-- BEGIN events -->';
const END = '<!-- END events -->';

const scratch = mkdtempSync(join(tmpdir(), 'jarvis-event-docs-'));

function generate(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [GENERATOR, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function copyOfDocs(name: string, edit: (text: string) => string = (text) => text): string {
  const file = join(scratch, name);
  copyFileSync(DOCS, file);
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return file;
}

function generatedPart(text: string): string {
  return text.slice(text.indexOf(BEGIN), text.indexOf(END));
}

describe('docs/events.md is generated from the catalog', { timeout: 60_000 }, () => {
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('given the committed docs, when checked against the compiled catalog, then they are what the generator writes', () => {
    const result = generate(['--check']);
    assert.equal(result.status, 0, `docs/events.md is stale; run npm run docs:events and commit it\n${result.stderr}`);
  });

  it('given the committed docs, then every catalog type has a row with its subject and version, and every enumeration is listed', () => {
    const rows = generatedPart(readFileSync(DOCS, 'utf8')).split('\n');
    for (const [type, { subject, version }] of Object.entries(EVENT_CATALOG)) {
      const row = rows.find((line) => line.startsWith(`| \`${type}\` |`));
      assert.ok(row, `no row for ${type}`);
      assert.ok(row.startsWith(`| \`${type}\` | \`${subject}\` | ${version} | \`target\``), `${type}: ${row}`);
    }
    const generated = rows.join('\n');
    for (const values of [DETECTION_STATUSES, DECISION_OUTCOMES, RISK_LEVELS, REFUSAL_REASONS, RESOLUTIONS, TARGET_KINDS]) {
      assert.ok(generated.includes(values.map((v) => `\`${v}\``).join(', ')), `enumeration ${values.join(', ')} missing`);
    }
  });

  it('given a copy whose table differs by one row, when checked, then the check fails naming the file and changes nothing', () => {
    const stale = copyOfDocs('stale.md', (text) => text.replace(/^\| `IncidentEscalated` .*$/m, '| `IncidentEscalated` | old | 1 | gone |'));
    const before = readFileSync(stale, 'utf8');
    const result = generate(['--check', '--docs', stale]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /stale\.md: the event table differs from the catalog; run `npm run docs:events`/);
    assert.equal(readFileSync(stale, 'utf8'), before);
  });

  it('given a stale copy, when generated, then only the part between the markers is rewritten and the check then passes', () => {
    const prose = '\nHand-written prose | with a pipe, kept as is.\n';
    const stale = copyOfDocs('rewrite.md', (text) => `${text.replace(/^\| `DetectionRecorded` .*\n/m, '')}${prose}`);
    assert.equal(generate(['--docs', stale]).status, 0);
    const rewritten = readFileSync(stale, 'utf8');
    assert.equal(rewritten, `${readFileSync(DOCS, 'utf8')}${prose}`);
    assert.equal(generate(['--check', '--docs', stale]).status, 0);
  });

  it('given a copy without its markers, when generated, then it refuses naming the markers and changes nothing', () => {
    const unmarked = copyOfDocs('unmarked.md', (text) => text.replace(END, ''));
    const before = readFileSync(unmarked, 'utf8');
    const result = generate(['--docs', unmarked]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unmarked\.md: needs exactly one "<!-- BEGIN events -->" followed by one "<!-- END events -->"/);
    assert.equal(readFileSync(unmarked, 'utf8'), before);
  });
});
