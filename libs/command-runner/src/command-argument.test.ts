import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argumentProblem, flag, MAX_ARGUMENT_BYTES, operand, subcommand, value } from './command-argument.js';

describe('argumentProblem', () => {
  const cases: Array<[string, ReturnType<typeof flag>, RegExp | null]> = [
    ['a plain flag', flag('-force'), null],
    ['a long flag', flag('--verbose'), null],
    ['a flag with a value glued on', flag('--file=/etc/passwd'), /flag "--file=\/etc\/passwd" is not a plain option/],
    ['a flag without a dash', flag('force'), /not a plain option/],
    ['a subcommand', subcommand('validate'), null],
    ['a subcommand that is an option', subcommand('--config'), /subcommand "--config" is not a plain word/],
    ['a subcommand with a space', subcommand('validate now'), /not a plain word/],
    ['a subcommand with a newline', subcommand('adapt\n'), /subcommand "adapt\\n" contains a NUL, newline or other control character/],
    ['a plain value', value('config file', '/etc/ddclient.conf'), null],
    ['a value starting with a dash', value('config file', '-query'), /value config file starts with a dash/],
    ['a value starting with a unicode dash', value('host', '\u2014query'), /value host starts with a dash/],
    ['an operand starting with --', operand('host', '--opt=1'), /operand host starts with a dash/],
    ['a value with a newline', value('host', 'a\nb'), /value host contains a NUL, newline or other control character/],
    ['a value with NUL', value('host', 'a\0b'), /value host contains a NUL/],
    ['a value with an escape', value('host', 'a\u001b[2Jb'), /control character/],
    ['an empty value', value('host', ''), /value host is empty/],
    ['a value too long', value('host', 'a'.repeat(MAX_ARGUMENT_BYTES + 1)), /value host is longer than 4096 bytes/],
    ['shell syntax, passed as data', value('host', '$(id);`id`|&>'), null],
  ];
  for (const [name, argument, expected] of cases) {
    it(name, () => {
      const problem = argumentProblem(argument);
      if (expected === null) assert.equal(problem, null);
      else assert.match(problem ?? '', expected);
    });
  }
});
