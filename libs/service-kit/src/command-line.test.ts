import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommandLine } from './command-line.js';
import { CommandTable, type CommandInput, type JarvisCommand, type Terminal } from './command-table.js';

const PROGRAM = { name: 'jarvis', version: '1.2.3' };

function fakeCommand(name: string, extra: Partial<JarvisCommand> = {}): JarvisCommand & { calls: CommandInput[] } {
  const calls: CommandInput[] = [];
  return {
    name,
    summary: `The ${name} command.`,
    arguments: '',
    details: `More about ${name}.`,
    options: {},
    maxPositionals: 0,
    run: (input) => {
      calls.push(input);
      return Promise.resolve(0);
    },
    calls,
    ...extra,
  };
}

async function run(table: CommandTable, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const terminal: Terminal = { out: (text) => void (out += text), err: (text) => void (err += text) };
  const code = await runCommandLine(table, PROGRAM, argv, { SOME: 'env' }, terminal);
  return { code, out, err };
}

describe('runCommandLine', () => {
  const start = fakeCommand('start', { arguments: '[--target <services>]', options: { target: { type: 'string', valueName: 'services', description: 'Which services.' } } });
  const approve = fakeCommand('approve', { arguments: '<id>', maxPositionals: 1, options: { by: { type: 'string', short: 'b', description: 'Who approves.' } } });
  const auditList = fakeCommand('audit list');
  const auditShow = fakeCommand('audit show', { maxPositionals: 1 });
  const table = new CommandTable([start, approve, auditList, auditShow]);

  it('prints the version with --version and -V', async () => {
    for (const flag of ['--version', '-V']) assert.deepEqual(await run(table, [flag]), { code: 0, out: 'jarvis 1.2.3\n', err: '' });
  });

  it('lists every registered command in --help, with no switch to extend', async () => {
    const { code, out } = await run(table, ['--help']);
    assert.equal(code, 0);
    for (const line of ['Usage: jarvis <command> [options]', '  start           The start command.', '  approve         The approve command.', '  audit show      The audit show command.', '  help <command>  Shows the help of one command.', '  -V, --version  Prints the version.']) {
      assert.ok(out.includes(`${line}\n`), `${line}\n---\n${out}`);
    }
    assert.deepEqual(await run(table, ['-h']), { code: 0, out, err: '' });
    assert.deepEqual(await run(table, ['help']), { code: 0, out, err: '' });
  });

  it('gives each command its own help, the same from `<command> --help`, `<command> -h` and `help <command>`', async () => {
    const { code, out } = await run(table, ['approve', '--help']);
    assert.equal(code, 0);
    assert.equal(out, ['Usage: jarvis approve <id>', '', 'The approve command.', '', 'Options:', '  -b, --by <value>  Who approves.', '  -h, --help        Shows this help.', '', 'More about approve.', ''].join('\n'));
    assert.deepEqual(await run(table, ['approve', '-h']), { code: 0, out, err: '' });
    assert.deepEqual(await run(table, ['help', 'approve']), { code: 0, out, err: '' });
    assert.match((await run(table, ['start', '--help'])).out, /^ {6}--target <services> {2}Which services\.$/m);
    assert.equal(approve.calls.length, 0, 'help runs nothing');
  });

  it('runs the command with its options, positionals and the environment', async () => {
    assert.equal((await run(table, ['approve', 'abc', '--by', 'ops'])).code, 0);
    assert.deepEqual(approve.calls.at(-1), { values: { by: 'ops' }, positionals: ['abc'], env: { SOME: 'env' } });
    assert.equal((await run(table, ['approve', '--by', 'ops', '--', '--odd-id'])).code, 0);
    assert.deepEqual(approve.calls.at(-1)?.positionals, ['--odd-id'], 'after --, a word starting with -- is an argument');
    assert.equal((await run(table, ['start', '--target=monitor,policy'])).code, 0);
    assert.deepEqual(start.calls.at(-1)?.values, { target: 'monitor,policy' });
  });

  it('finds subcommands by their words and hands them the rest', async () => {
    assert.equal((await run(table, ['audit', 'show', '42'])).code, 0);
    assert.deepEqual(auditShow.calls.at(-1)?.positionals, ['42']);
    const help = await run(table, ['help', 'audit']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: jarvis audit <command> \[options\]\n\nCommands:\n {2}audit list {2}The audit list command\.\n {2}audit show {2}The audit show command\.\n$/);
    const bare = await run(table, ['audit']);
    assert.equal(bare.code, 2);
    assert.match(bare.err, /^jarvis: "audit" needs a command after it\n\nUsage: jarvis audit <command>/);
    assert.equal(auditList.calls.length, 0);
  });

  it('answers an unknown command with the closest known one, or with none when nothing is close', async () => {
    const ran = start.calls.length + approve.calls.length + auditList.calls.length;
    assert.deepEqual(await run(table, ['strat']), { code: 2, out: '', err: 'jarvis: unknown command "strat", did you mean start?\n\nRun "jarvis --help" for the list of commands.\n' });
    assert.equal((await run(table, ['aprove', 'x'])).err.split('\n')[0], 'jarvis: unknown command "aprove", did you mean approve?');
    assert.equal((await run(table, ['audti', 'list'])).err.split('\n')[0], 'jarvis: unknown command "audti", did you mean audit?');
    assert.equal((await run(table, ['audit', 'lsit'])).err.split('\n')[0], 'jarvis: unknown command "audit lsit", did you mean audit list?');
    assert.equal((await run(table, ['help', 'audit', 'lsit'])).err.split('\n')[0], 'jarvis: unknown command "audit lsit", did you mean audit list?');
    assert.equal((await run(table, ['help', 'strat'])).err.split('\n')[0], 'jarvis: unknown command "strat", did you mean start?');
    assert.equal((await run(table, ['deploy'])).err.split('\n')[0], 'jarvis: unknown command "deploy"');
    assert.equal(start.calls.length + approve.calls.length + auditList.calls.length, ran, 'nothing ran');
  });

  it('answers an unknown option with the closest option of that command', async () => {
    const calls = start.calls.length;
    assert.deepEqual(await run(table, ['start', '--targt', 'x']), { code: 2, out: '', err: 'jarvis start: unknown option --targt, did you mean --target?\n\nRun "jarvis start --help" for its usage.\n' });
    assert.equal((await run(table, ['start', '--colour=red'])).err.split('\n')[0], 'jarvis start: unknown option --colour');
    assert.equal((await run(table, ['start', '--target'])).code, 2);
    assert.equal((await run(table, ['start', '-x'])).code, 2);
    assert.equal((await run(table, ['--bogus'])).err.split('\n')[0], 'jarvis: unknown option --bogus (the options of a command come after it)');
    assert.equal(start.calls.length, calls, 'nothing ran');
  });

  it('refuses more positionals than a command takes, and no command at all', async () => {
    assert.equal((await run(table, ['start', 'now'])).err.split('\n')[0], 'jarvis start: unexpected argument "now"');
    assert.equal((await run(table, ['approve', 'a', 'b'])).err.split('\n')[0], 'jarvis approve: unexpected argument "b"');
    const none = await run(table, []);
    assert.equal(none.code, 2);
    assert.match(none.err, /^jarvis: missing command\n\nUsage: jarvis <command>/);
  });

  it('returns the exit code the command returns', async () => {
    const failing = new CommandTable([fakeCommand('start', { run: () => Promise.resolve(7) })]);
    assert.equal((await run(failing, ['start'])).code, 7);
  });
});

describe('CommandTable', () => {
  it('refuses a command registered twice, and a command bringing its own --help', () => {
    assert.throws(() => new CommandTable([fakeCommand('start'), fakeCommand('start')]), /command "start" is registered twice/);
    assert.throws(() => new CommandTable([fakeCommand('x', { options: { help: { type: 'boolean', description: '' } } })]), /--help is added by the table/);
  });
});
