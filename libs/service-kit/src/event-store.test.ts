import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultConfig } from '@jarvis/config';
import { eventStoreChoice, eventStoreEnvFrom, kurrentDbLimitations } from './event-store.js';
import { StartupError } from './startup-error.js';

const events = (overrides: Partial<{ store: 'jetstream' | 'kurrentdb'; kurrentdbUrl: string }> = {}) => ({ ...defaultConfig().events, ...overrides });
const NO_ENV = { store: undefined, kurrentdbUrl: undefined };

describe('eventStoreChoice', () => {
  it('runs on JetStream by default', () => {
    assert.deepEqual(eventStoreChoice(events(), NO_ENV), { kind: 'jetstream' });
  });

  it('runs on KurrentDB from the config alone', () => {
    assert.deepEqual(eventStoreChoice(events({ store: 'kurrentdb', kurrentdbUrl: 'kurrentdb://db:2113?tls=false' }), NO_ENV), { kind: 'kurrentdb', url: 'kurrentdb://db:2113?tls=false' });
  });

  it('lets the environment override the store and the URL', () => {
    const env = eventStoreEnvFrom({ JARVIS_EVENT_STORE: 'kurrentdb', JARVIS_KURRENTDB_URL: 'esdb+discover://a,b,c:2113' });
    assert.deepEqual(eventStoreChoice(events({ kurrentdbUrl: 'kurrentdb://config:2113' }), env), { kind: 'kurrentdb', url: 'esdb+discover://a,b,c:2113' });
    assert.deepEqual(eventStoreChoice(events({ store: 'kurrentdb', kurrentdbUrl: 'kurrentdb://db:2113' }), { store: 'jetstream', kurrentdbUrl: undefined }), { kind: 'jetstream' });
  });

  it('treats empty variables as unset', () => {
    assert.deepEqual(eventStoreEnvFrom({ JARVIS_EVENT_STORE: '', JARVIS_KURRENTDB_URL: '' }), NO_ENV);
  });

  it('refuses KurrentDB without a URL, saying which variable to set', () => {
    assert.throws(() => eventStoreChoice(events(), { store: 'kurrentdb', kurrentdbUrl: undefined }), (error: Error) => {
      assert.ok(error instanceof StartupError);
      assert.match(error.message, /no KurrentDB is named: set JARVIS_KURRENTDB_URL \(or events\.kurrentdbUrl\)/);
      return true;
    });
  });

  it('refuses a URL that is no KurrentDB connection string, without showing its password', () => {
    assert.throws(() => eventStoreChoice(events(), { store: 'kurrentdb', kurrentdbUrl: 'https://admin:changeit@db:2113' }), (error: Error) => {
      assert.match(error.message, /^JARVIS_KURRENTDB_URL: "https:\/\/\*\*\*@db:2113" is not a KurrentDB connection string/);
      assert.doesNotMatch(error.message, /changeit/);
      return true;
    });
  });

  it('refuses an unknown store, naming the known ones', () => {
    assert.throws(() => eventStoreChoice(events(), { store: 'postgres', kurrentdbUrl: undefined }), /JARVIS_EVENT_STORE: "postgres" is not an event store \(known: jetstream, kurrentdb\)/);
  });
});

describe('kurrentDbLimitations', () => {
  it('says that NATS still holds the locks and snapshots, and that the audit commands read JetStream', () => {
    const notes = kurrentDbLimitations(['monitor'], events()).join('\n');
    assert.match(notes, /single-instance locks and the snapshots \(JetStream key-value buckets\)/);
    assert.match(notes, /jarvis audit commands .* read the JetStream stream JARVIS_EVENTS/);
    assert.doesNotMatch(notes, /audit chain/, 'no audit service here');
    assert.doesNotMatch(notes, /retention/, 'no retention configured');
  });

  it('names the audit chain as off where the audit service runs, and a configured retention as not applied', () => {
    const config = { ...events(), retention: { maxAgeDays: 30, maxBytes: 0 } };
    const notes = kurrentDbLimitations(['audit', 'gateway'], config).join('\n');
    assert.match(notes, /audit chain off/);
    assert.match(notes, /events\.retention is not applied/);
  });
});

describe('loading the service kit', () => {
  it('does not load the KurrentDB client (a native module) until KurrentDB is chosen', () => {
    const probe = [
      "import { createRequire } from 'node:module';",
      "await import('@jarvis/service-kit');",
      "const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('@kurrent'));",
      'process.stdout.write(JSON.stringify(loaded));',
    ].join('\n');
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });
});
