import { parseArgs } from 'node:util';
import { closestName } from '@jarvis/config';
import { commandHelp, groupHelp, programHelp, type Program } from './command-help.js';
import type { CommandTable, JarvisCommand, Terminal } from './command-table.js';

export { programFromPackage, type Program } from './command-help.js';

/** A mistake in how the command was called: said on stderr with where to find the right way, exit code 2. */
const USAGE_ERROR = 2;

export const PROCESS_TERMINAL: Terminal = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Runs `jarvis <command> [options]` from the table; returns the exit code. */
export async function runCommandLine(table: CommandTable, program: Program, argv: readonly string[], env: NodeJS.ProcessEnv, terminal: Terminal = PROCESS_TERMINAL): Promise<number> {
  const [first, ...others] = argv;
  if (first === undefined) return usageError(terminal, program, 'missing command', programHelp(program, table));
  if (first === '-V' || first === '--version') {
    terminal.out(`${program.name} ${program.version}\n`);
    return 0;
  }
  if (first === '-h' || first === '--help') {
    terminal.out(programHelp(program, table));
    return 0;
  }
  if (first === 'help') return help(table, program, others, terminal);
  if (first.startsWith('-')) return usageError(terminal, program, `unknown option ${first} (the options of a command come after it)`, `Run "${program.name} --help" for the list of commands.\n`);
  const words = leadingWords(argv);
  const match = table.find(words);
  if (!match) return notACommand(table, program, words, terminal);
  return runMatched(match.command, program, [...match.rest, ...argv.slice(words.length)], env, terminal);
}

async function runMatched(command: JarvisCommand, program: Program, args: string[], env: NodeJS.ProcessEnv, terminal: Terminal): Promise<number> {
  const parsed = parseCommandArgs(command, args);
  const prefix = `${program.name} ${command.name}`;
  const hint = `Run "${prefix} --help" for its usage.\n`;
  if ('error' in parsed) return usageError(terminal, prefix, parsed.error, hint);
  if (parsed.values['help'] === true) {
    terminal.out(commandHelp(program, command));
    return 0;
  }
  if (parsed.positionals.length > command.maxPositionals) {
    const extra = parsed.positionals.slice(command.maxPositionals).map((p) => JSON.stringify(p)).join(' ');
    return usageError(terminal, prefix, `unexpected argument ${extra}`, hint);
  }
  return command.run({ values: parsed.values, positionals: parsed.positionals, env }, terminal);
}

type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] } | { error: string };

function parseCommandArgs(command: JarvisCommand, args: string[]): ParsedArgs {
  const known = new Set([...Object.keys(command.options), 'help']);
  const end = args.indexOf('--');
  const unknown = (end === -1 ? args : args.slice(0, end)).find((arg) => arg.startsWith('--') && !known.has(arg.slice(2).split('=')[0]!));
  if (unknown) {
    const name = unknown.slice(2).split('=')[0]!;
    const suggestion = closestName(name, [...known]);
    return { error: `unknown option --${name}${suggestion ? `, did you mean --${suggestion}?` : ''}` };
  }
  const options = Object.fromEntries([...Object.entries(command.options), ['help', { type: 'boolean', short: 'h' }] as const].map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]));
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: { ...values } as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function help(table: CommandTable, program: Program, words: string[], terminal: Terminal): number {
  if (words.length === 0) {
    terminal.out(programHelp(program, table));
    return 0;
  }
  const match = table.find(words);
  if (match && match.rest.length === 0) {
    terminal.out(commandHelp(program, match.command));
    return 0;
  }
  const group = table.under(words.join(' '));
  if (group.length > 0) {
    terminal.out(groupHelp(program, words.join(' '), group));
    return 0;
  }
  return notACommand(table, program, words, terminal);
}

function notACommand(table: CommandTable, program: Program, words: string[], terminal: Terminal): number {
  const [first, second] = words as [string, string | undefined];
  const group = table.under(first);
  if (group.length > 0 && second === undefined) return usageError(terminal, program, `"${first}" needs a command after it`, groupHelp(program, first, group));
  const unknown = group.length > 0 ? `${first} ${second}` : first;
  const suggestion = group.length > 0 ? closestName(unknown, group.map((command) => command.name)) : table.closestTo(first);
  const hint = `Run "${program.name} --help" for the list of commands.\n`;
  return usageError(terminal, program, `unknown command "${unknown}"${suggestion ? `, did you mean ${suggestion}?` : ''}`, hint);
}

/** The words before the first option: the command's name, its subcommand, and positional arguments. */
function leadingWords(argv: readonly string[]): string[] {
  const firstOption = argv.findIndex((arg) => arg.startsWith('-'));
  return [...(firstOption === -1 ? argv : argv.slice(0, firstOption))];
}

function usageError(terminal: Terminal, who: Program | string, problem: string, hint: string): number {
  terminal.err(`${typeof who === 'string' ? who : who.name}: ${problem}\n\n${hint}`);
  return USAGE_ERROR;
}
