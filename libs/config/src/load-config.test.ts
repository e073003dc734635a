import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JarvisConfig } from './jarvis-config.js';
import { ConfigError, defaultConfig, loadConfigFile, parseConfig, SAMPLE_CONFIG } from './load-config.js';

const FILE = '/etc/jarvis/jarvis.yaml';

/** Runs fn, expects a ConfigError for FILE, returns its problems. */
function problemsOf(text: string, file = FILE): string[] {
  try {
    parseConfig(text, file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`${file}: invalid configuration\n`), error.message);
    for (const problem of error.problems) assert.ok(error.message.includes(`  - ${problem}`), problem);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

describe('parseConfig', () => {
  it('gives the defaults for an empty file and a comment-only file', () => {
    for (const text of ['', '# nothing yet\n', '---\n']) {
      const config = parseConfig(text, FILE);
      assert.ok(config instanceof JarvisConfig);
      assert.deepEqual(asJson(config), asJson(defaultConfig()), JSON.stringify(text));
    }
    const config = parseConfig('');
    assert.equal(config.policy.breaker.maxAttempts, 5);
    assert.equal(config.policy.autoRestart, true);
    assert.equal(config.gateway.host, '127.0.0.1');
    assert.equal(config.watch.label, 'jarvis.watch=true');
  });

  it('merges a partial section with the defaults around it', () => {
    const config = parseConfig('policy:\n  breaker:\n    maxAttempts: 3\n  autoRestart: false\n', FILE);
    assert.equal(config.policy.breaker.maxAttempts, 3);
    assert.equal(config.policy.breaker.windowSeconds, 600);
    assert.equal(config.policy.autoRestart, false);
    assert.deepEqual(asJson(config.policy.backoff), asJson(defaultConfig().policy.backoff));
    assert.deepEqual(asJson(config.watch), asJson(defaultConfig().watch));
    assert.equal(config.verification.stableForMs, 2000);
  });

  it('takes lists as given rather than merging them', () => {
    const config = parseConfig('watch:\n  containers: [web, db.1]\n  label: team=ops\n', FILE);
    assert.deepEqual(config.watch.containers, ['web', 'db.1']);
    assert.equal(config.watch.label, 'team=ops');
    assert.equal(config.watch.reconcileIntervalSeconds, 30);
  });

  it('does not share state between parses', () => {
    parseConfig('watch:\n  containers: [web]\n');
    assert.deepEqual(parseConfig('').watch.containers, []);
    assert.deepEqual(defaultConfig().watch.containers, []);
  });

  it('reports a wrong type as that alone, with the value it got, not the bounds it cannot be compared with', () => {
    assert.deepEqual(problemsOf('watch:\n  reconcileIntervalSeconds: often\n'), ['watch.reconcileIntervalSeconds: must be an integer, got the string "often"']);
    assert.deepEqual(problemsOf('policy:\n  breaker:\n    maxAttempts: "3"\n'), ['policy.breaker.maxAttempts: must be an integer, got the string "3"']);
    assert.deepEqual(problemsOf('policy:\n  breaker:\n    maxAttempts: ~\n'), ['policy.breaker.maxAttempts: must be an integer, got an empty value']);
    assert.deepEqual(problemsOf('policy:\n  autoRestart: "no"\n'), ['policy.autoRestart: must be true or false, got the string "no"']);
    assert.deepEqual(problemsOf('policy:\n  autoRestart: 1\n'), ['policy.autoRestart: must be true or false, got the number 1']);
    assert.deepEqual(problemsOf('watch:\n  containers: web\n'), ['watch.containers: must be a list, got the string "web"']);
    assert.deepEqual(problemsOf('watch:\n  label: {a: 1}\n'), ['watch.label: must be a string, got a section of keys']);
  });

  it('names the entry of a list that has the wrong type', () => {
    assert.deepEqual(problemsOf('watch:\n  containers: [web, 5, db, true]\n'), ['watch.containers[1]: must be a string, got the number 5', 'watch.containers[3]: must be a string, got true']);
  });

  it('cuts a long wrong value short', () => {
    const [problem] = problemsOf(`watch:\n  reconcileIntervalSeconds: ${'x'.repeat(500)}\n`);
    assert.equal(problem, `watch.reconcileIntervalSeconds: must be an integer, got the string "${'x'.repeat(60)}…"`);
  });

  it('reports a section given as something else, a list included', () => {
    assert.deepEqual(problemsOf('policy: 3\n'), ['policy: must be a section of keys, got the number 3']);
    assert.deepEqual(problemsOf('policy: ~\n'), ['policy: must be a section of keys, got an empty value']);
    assert.deepEqual(problemsOf('policy: [{autoRestart: false}]\n'), ['policy: must be a section of keys, got a list']);
    assert.deepEqual(problemsOf('policy:\n  breaker: [{colour: 1}]\n'), ['policy.breaker: must be a section of keys, got a list']);
  });

  it('reports out-of-range and non-integer numbers', () => {
    assert.deepEqual(problemsOf('policy:\n  breaker:\n    maxAttempts: 0\n'), ['policy.breaker.maxAttempts: must not be less than 1']);
    assert.deepEqual(problemsOf('gateway:\n  port: 70000\n'), ['gateway.port: must not be greater than 65535']);
    assert.deepEqual(problemsOf('policy:\n  backoff:\n    initialMs: 1.5\n'), ['policy.backoff.initialMs: must be an integer, got the number 1.5']);
    assert.deepEqual(problemsOf('policy:\n  rateLimit:\n    windowSeconds: -1\n'), ['policy.rateLimit.windowSeconds: must not be less than 1']);
  });

  it('accepts the bounds themselves', () => {
    const config = parseConfig('policy:\n  breaker:\n    maxAttempts: 1000\n  backoff:\n    initialMs: 0\ngateway:\n  port: 0\n');
    assert.equal(config.policy.breaker.maxAttempts, 1000);
    assert.equal(config.policy.backoff.initialMs, 0);
    assert.equal(config.gateway.port, 0);
  });

  it('reports a container name Docker would not accept', () => {
    assert.deepEqual(problemsOf('watch:\n  containers: [web, "a/b"]\n'), ['watch.containers: each entry must be a Docker container name']);
  });

  it('reports other malformed values', () => {
    assert.deepEqual(problemsOf('watch:\n  label: novalue\n'), ['watch.label: must look like key=value']);
    assert.deepEqual(problemsOf('gateway:\n  host: localhost\n'), ['gateway.host: must be an ip address']);
    assert.match(problemsOf('logLevel: verbose\n')[0]!, /^logLevel: must be one of the following values: error, warn, log, debug$/);
  });

  it('reports unknown keys at any depth with the closest known key of that section', () => {
    assert.deepEqual(problemsOf('polcy:\n  autoRestart: false\n'), ['polcy: unknown key, did you mean policy?']);
    assert.deepEqual(problemsOf('policy:\n  breaker:\n    maxAttemps: 3\n'), ['policy.breaker.maxAttemps: unknown key, did you mean maxAttempts?']);
    assert.deepEqual(problemsOf('policy:\n  backof:\n    initialMs: 5\n'), ['policy.backof: unknown key, did you mean backoff?']);
    assert.deepEqual(problemsOf('gateway:\n  Port: 80\n'), ['gateway.Port: unknown key, did you mean port?']);
    assert.deepEqual(problemsOf('loglevel: debug\n'), ['loglevel: unknown key, did you mean logLevel?']);
  });

  it('suggests only a key of the same section, and nothing when no key is close', () => {
    assert.deepEqual(problemsOf('colour: red\n'), ['colour: unknown key']);
    assert.deepEqual(problemsOf('policy:\n  port: 80\n'), ['policy.port: unknown key']);
    assert.deepEqual(problemsOf('gateway:\n  policy: {}\n'), ['gateway.policy: unknown key']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf('policy:\n  breaker:\n    maxAttempts: 0\n  backoff:\n    initialMs: soon\nwatch:\n  containers: ["not/ok"]\n  colour: red\n');
    assert.deepEqual([...problems].sort(), [
      'policy.backoff.initialMs: must be an integer, got the string "soon"',
      'policy.breaker.maxAttempts: must not be less than 1',
      'watch.colour: unknown key',
      'watch.containers: each entry must be a Docker container name',
    ]);
  });

  it('reports a file that is not a section of keys', () => {
    assert.deepEqual(problemsOf('42\n'), ['(root): must be a section of keys (watch:, policy:, ...), got the number 42']);
    assert.deepEqual(problemsOf('- a\n- b\n'), ['(root): must be a section of keys (watch:, policy:, ...), got a list']);
  });

  it('reports YAML syntax errors with a line number', () => {
    const problems = problemsOf('watch:\n  containers: [web\nlogLevel: log\n');
    assert.ok(problems.length >= 1);
    assert.match(problems[0]!, /^\(yaml\) line \d+: \S/);
  });

  it('reports duplicate keys', () => {
    const problems = problemsOf('logLevel: log\nlogLevel: debug\n');
    assert.match(problems[0]!, /^\(yaml\) line 2: Map keys must be unique/);
  });

  it('names the default file when none is given', () => {
    assert.throws(() => parseConfig('colour: red\n'), (error: unknown) => error instanceof ConfigError && error.file === 'jarvis.yaml' && error.message.startsWith('jarvis.yaml: '));
  });

  it('allows a few aliases', () => {
    assert.deepEqual(parseConfig('watch:\n  containers: [&web web, *web, db]\n').watch.containers, ['web', 'web', 'db']);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    assert.throws(() => parseConfig(aliasBomb(), FILE), /alias/i);
  });

  it('refuses a YAML alias bomb with a ConfigError naming the file', () => {
    assert.throws(() => parseConfig(aliasBomb(), FILE), (error: unknown) => error instanceof ConfigError && error.file === FILE);
  });

  it('rejects __proto__, constructor and prototype keys at any depth, naming the path', () => {
    assert.deepEqual(problemsOf('__proto__:\n  polluted: true\n'), ['__proto__: unknown key']);
    assert.deepEqual(problemsOf('policy:\n  __proto__:\n    autoRestart: false\n'), ['policy.__proto__: unknown key']);
    assert.deepEqual(problemsOf('policy:\n  constructor: 1\n'), ['policy.constructor: unknown key']);
    assert.deepEqual(problemsOf('constructor:\n  prototype:\n    x: 1\n'), ['constructor: unknown key']);
    assert.deepEqual(problemsOf('policy:\n  breaker:\n    prototype: {}\n'), ['policy.breaker.prototype: unknown key']);
    assert.deepEqual(problemsOf('watch:\n  containers: [web, {__proto__: {x: 1}}]\n').filter((p) => p.includes('__proto__')), ['watch.containers[1].__proto__: unknown key']);
  });

  it('reports prototype keys together with the other problems', () => {
    const problems = problemsOf('policy:\n  constructor: 1\n  breaker:\n    maxAttempts: 0\n');
    assert.ok(problems.includes('policy.constructor: unknown key'), problems.join('\n'));
    assert.ok(problems.includes('policy.breaker.maxAttempts: must not be less than 1'), problems.join('\n'));
  });

  it('merges nothing through a prototype key', () => {
    for (const text of ['__proto__:\n  polluted: true\n', 'policy:\n  __proto__:\n    polluted: true\n', 'constructor:\n  prototype:\n    polluted: true\n']) {
      assert.throws(() => parseConfig(text), ConfigError);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined, text);
      assert.equal((Object.prototype as Record<string, unknown>)['polluted'], undefined, text);
    }
  });
});

/** Nine levels of ten aliases each: 10^9 nodes once expanded. */
function aliasBomb(): string {
  let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 10; i++) text += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
  return text;
}

describe('loadConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-config-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and validates a file', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'policy:\n  rateLimit:\n    maxActions: 7\n');
    const config = loadConfigFile(file);
    assert.equal(config.policy.rateLimit.maxActions, 7);
    assert.equal(config.policy.rateLimit.windowSeconds, 60);
  });

  it('names the file in validation errors', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'policy:\n  breaker:\n    maxAttempts: 0\n');
    assert.throws(
      () => loadConfigFile(file),
      (error: unknown) => error instanceof ConfigError && error.file === file && error.problems.includes('policy.breaker.maxAttempts: must not be less than 1'),
    );
  });

  it('says plainly that a file is missing, with the path and how to fix it', () => {
    for (const file of [join(dir, 'nope.yaml'), join(dir, 'ok.yaml', 'under-a-file.yaml')]) {
      writeFileSync(join(dir, 'ok.yaml'), '');
      assert.throws(
        () => loadConfigFile(file),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.file === file &&
          error.message.startsWith(`${file}: configuration file not found\n  - (file): ENO`) &&
          error.message.includes(`create it (${SAMPLE_CONFIG} is a commented example with every setting), point JARVIS_CONFIG at an existing file, or unset JARVIS_CONFIG`),
      );
    }
  });

  it('refuses a file over 256 KiB without parsing it, and accepts one at the limit', () => {
    const limit = 256 * 1024;
    const atLimit = join(dir, 'at-limit.yaml');
    writeFileSync(atLimit, `#${'x'.repeat(limit - 2)}\n`);
    assert.deepEqual(asJson(loadConfigFile(atLimit)), asJson(defaultConfig()));
    const big = join(dir, 'big.yaml');
    // Garbage YAML: if the size check did not come first, this would be a (yaml) error instead.
    writeFileSync(big, `[${'x'.repeat(limit)}`);
    assert.throws(
      () => loadConfigFile(big),
      (error: unknown) => error instanceof ConfigError && error.file === big && error.problems[0] === `(file): ${limit + 1} bytes, the limit is ${limit}`,
    );
  });

  it('refuses a directory with a ConfigError', () => {
    const sub = join(dir, 'a-directory.yaml');
    mkdirSync(sub);
    assert.throws(() => loadConfigFile(sub), (error: unknown) => error instanceof ConfigError && error.file === sub);
  });
});
