import { readFileSync } from 'node:fs';
import type { CommandOption, CommandTable, JarvisCommand } from './command-table.js';

export type Program = { name: string; version: string };

/** The binary's name with the version of the package that ships it (its package.json, beside `dist/`). */
export function programFromPackage(packageJson: URL, name = 'jarvis'): Program {
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`${packageJson.pathname}: no version`);
  return { name, version };
}

const HELP_OPTION: CommandOption = { type: 'boolean', short: 'h', description: 'Shows this help.' };

export function programHelp(program: Program, table: CommandTable): string {
  const rows: [string, string][] = [...table.all().map((command): [string, string] => [command.name, command.summary]), ['help <command>', 'Shows the help of one command.']];
  return [
    `Usage: ${program.name} <command> [options]`,
    '',
    'Commands:',
    ...columns(rows),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'Shows this help.'],
      ['-V, --version', 'Prints the version.'],
    ]),
    '',
    `Each command has its own help: ${program.name} <command> --help, or ${program.name} help <command>.`,
    '',
  ].join('\n');
}

export function commandHelp(program: Program, command: JarvisCommand): string {
  const options = Object.entries({ ...command.options, help: HELP_OPTION }).map(([name, option]): [string, string] => [optionLabel(name, option), option.description]);
  return [`Usage: ${program.name} ${command.name}${command.arguments ? ` ${command.arguments}` : ''}`, '', command.summary, '', 'Options:', ...columns(options), '', command.details.trimEnd(), ''].join('\n');
}

export function groupHelp(program: Program, group: string, commands: readonly JarvisCommand[]): string {
  return [`Usage: ${program.name} ${group} <command> [options]`, '', 'Commands:', ...columns(commands.map((c) => [c.name, c.summary])), ''].join('\n');
}

function optionLabel(name: string, option: CommandOption): string {
  const long = option.type === 'string' ? `--${name} <${option.valueName ?? 'value'}>` : `--${name}`;
  return option.short ? `-${option.short}, ${long}` : `    ${long}`;
}

function columns(rows: readonly [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
