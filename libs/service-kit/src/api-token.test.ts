import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiTokenHash, apiTokenPaths, ensureApiToken, readApiToken } from './api-token.js';
import { StartupError } from './startup-error.js';

const root = mkdtempSync(join(tmpdir(), 'jarvis-api-token-'));
let folders = 0;
const freshDir = () => join(root, `data-${++folders}`);

async function refusal(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof StartupError, String(error));
    return error.message;
  }
  return assert.fail('accepted');
}

describe('ensureApiToken', () => {
  it('given no files, creates a 32-byte base64url token and its SHA-256, both mode 0600, in a new 0700 folder', async () => {
    const dir = freshDir();
    const setup = await ensureApiToken(dir);
    const paths = apiTokenPaths(dir);
    const token = readFileSync(paths.token, 'utf8').trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(readFileSync(paths.hash, 'utf8').trim(), createHash('sha256').update(token).digest('hex'));
    assert.equal(statSync(paths.token).mode & 0o777, 0o600);
    assert.equal(statSync(paths.hash).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.deepEqual({ created: setup.created, tokenPath: setup.tokenPath, hashPath: setup.hashPath }, { created: 'token', tokenPath: paths.token, hashPath: paths.hash });
    assert.ok(setup.hash.matches(token));
  });

  it('given existing files, keeps them: a second start reads the same token', async () => {
    const dir = freshDir();
    await ensureApiToken(dir);
    const token = readFileSync(apiTokenPaths(dir).token, 'utf8').trim();
    const again = await ensureApiToken(dir);
    assert.equal(again.created, 'none');
    assert.equal(readFileSync(apiTokenPaths(dir).token, 'utf8').trim(), token);
    assert.ok(again.hash.matches(token));
  });

  it('given only the hash file (the split shape), starts from it without a token', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(apiTokenPaths(dir).hash, `${createHash('sha256').update('the-token').digest('hex')}\n`, { mode: 0o600 });
    const setup = await ensureApiToken(dir);
    assert.equal(setup.created, 'none');
    assert.ok(setup.hash.matches('the-token'));
    assert.throws(() => statSync(apiTokenPaths(dir).token), /ENOENT/);
  });

  it('given only a token file, writes its hash', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(apiTokenPaths(dir).token, 'chosen-by-a-person\n', { mode: 0o600 });
    const setup = await ensureApiToken(dir);
    assert.equal(setup.created, 'hash');
    assert.equal(readFileSync(apiTokenPaths(dir).hash, 'utf8').trim(), createHash('sha256').update('chosen-by-a-person').digest('hex'));
    assert.equal(statSync(apiTokenPaths(dir).hash).mode & 0o777, 0o600);
  });

  it('given several gateways starting on one empty folder at once, all start with the one token that was written, and leave no drafts', async () => {
    for (let round = 0; round < 20; round += 1) {
      const dir = freshDir();
      const setups = await Promise.all(Array.from({ length: 4 }, () => ensureApiToken(dir)));
      const token = readFileSync(apiTokenPaths(dir).token, 'utf8').trim();
      for (const setup of setups) assert.ok(setup.hash.matches(token));
      assert.equal(setups.filter((setup) => setup.created === 'token').length, 1);
      assert.deepEqual(readdirSync(dir).sort(), ['api-token', 'api-token.sha256']);
    }
  });

  it('given gateways starting at once from a token a person wrote, all take its hash and one writes it', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(apiTokenPaths(dir).token, 'chosen-by-a-person\n', { mode: 0o600 });
    const setups = await Promise.all(Array.from({ length: 4 }, () => ensureApiToken(dir)));
    assert.deepEqual(setups.map((setup) => setup.created).sort(), ['hash', 'none', 'none', 'none']);
    for (const setup of setups) assert.ok(setup.hash.matches('chosen-by-a-person'));
  });

  for (const [mode, which] of [
    [0o644, 'token'],
    [0o640, 'token'],
    [0o604, 'hash'],
    [0o620, 'hash'],
  ] as const) {
    it(`refuses a ${which} file with mode ${mode.toString(8)}, naming the file, the mode and the fix`, async () => {
      const dir = freshDir();
      await ensureApiToken(dir);
      const path = apiTokenPaths(dir)[which];
      const before = readFileSync(path, 'utf8');
      chmodSync(path, mode);
      const message = await refusal(() => ensureApiToken(dir));
      assert.equal(message, `${path}: mode 0${mode.toString(8)} lets group or others use it; it must be 0600 (chmod 600 ${path})`);
      assert.equal(readFileSync(path, 'utf8'), before, 'changes nothing');
    });
  }

  it('refuses a symlink or a folder in place of a file, and does not follow the link', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const elsewhere = join(root, `elsewhere-${folders}`);
    writeFileSync(elsewhere, 'not yours\n', { mode: 0o600 });
    symlinkSync(elsewhere, apiTokenPaths(dir).token);
    assert.match(await refusal(() => ensureApiToken(dir)), /api-token: must be a regular file \(found a symbolic link\)$/);
    assert.equal(readFileSync(elsewhere, 'utf8'), 'not yours\n');
    const other = freshDir();
    mkdirSync(join(other, 'api-token.sha256'), { recursive: true });
    assert.match(await refusal(() => ensureApiToken(other)), /api-token\.sha256: must be a regular file \(found something else\)$/);
  });

  it('refuses a hash file that is not a SHA-256, and a token that does not match its hash', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    writeFileSync(apiTokenPaths(dir).hash, 'abc\n', { mode: 0o600 });
    assert.match(await refusal(() => ensureApiToken(dir)), /must hold the token's SHA-256 as 64 lower-case hex digits$/);
    rmSync(apiTokenPaths(dir).hash);
    await ensureApiToken(dir);
    writeFileSync(apiTokenPaths(dir).token, 'edited\n');
    assert.match(await refusal(() => ensureApiToken(dir)), /does not match .*api-token\.sha256: delete both/);
  });

  it('refuses a data folder that cannot be one (a file in its path), naming the path', async () => {
    const blocker = join(root, `blocker-${++folders}`);
    writeFileSync(blocker, '', { mode: 0o600 });
    assert.match(await refusal(() => ensureApiToken(join(blocker, 'data'))), /blocker-\d+\/data\/api-token: cannot read \(ENOTDIR/);
  });
});

describe('ApiTokenHash.matches', () => {
  const hash = ApiTokenHash.ofToken('s3cret-token');

  it('accepts the token and nothing else: same length, longer, shorter, empty, different case', () => {
    assert.equal(hash.matches('s3cret-token'), true);
    for (const wrong of ['s3cret-tokex', 's3cret-token ', 's3cret-toke', '', 'S3CRET-TOKEN']) assert.equal(hash.matches(wrong), false, JSON.stringify(wrong));
  });

  it('keeps only the hash: the hex it gives is the SHA-256, not the token', () => {
    assert.equal(hash.hex(), createHash('sha256').update('s3cret-token').digest('hex'));
    assert.ok(ApiTokenHash.fromHex(hash.hex()).matches('s3cret-token'));
  });
});

describe('readApiToken', () => {
  it('prefers JARVIS_API_TOKEN, else reads the token file of JARVIS_DATA_DIR, else says what to set', async () => {
    const dir = freshDir();
    await ensureApiToken(dir);
    const token = readFileSync(apiTokenPaths(dir).token, 'utf8').trim();
    assert.equal(await readApiToken({ JARVIS_API_TOKEN: 'from-env', JARVIS_DATA_DIR: dir }), 'from-env');
    assert.equal(await readApiToken({ JARVIS_DATA_DIR: dir }), token);
    const empty = freshDir();
    assert.match(await refusal(() => readApiToken({ JARVIS_DATA_DIR: empty })), /^no API token: set JARVIS_API_TOKEN, or JARVIS_DATA_DIR/);
  });
});
