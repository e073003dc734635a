import { closestName } from '@jarvis/config';

/** Where a command writes: the process's stdout/stderr in the binary, a buffer in tests. */
export type Terminal = { out(text: string): void; err(text: string): void };

export type CommandOption = {
  type: 'string' | 'boolean';
  short?: string;
  /** How the value is shown in the help: `--target <services>`. */
  valueName?: string;
  description: string;
};

export type CommandInput = {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
};

/** One `jarvis <name>` command; the table gives it `--help`, option parsing and its place in `jarvis --help`. */
export type JarvisCommand = {
  /** One word, or several for a subcommand (`audit show`). */
  name: string;
  /** One line for the list in `jarvis --help`. */
  summary: string;
  /** What follows the name in its usage line, e.g. `[--target <services>]` or `<approval-id>`. */
  arguments: string;
  /** Paragraphs after the usage line: what it does, environment, exit codes. */
  details: string;
  options: Record<string, CommandOption>;
  /** Positionals it takes at most; more is a usage error. */
  maxPositionals: number;
  run(input: CommandInput, terminal: Terminal): Promise<number>;
};

export type CommandMatch = { command: JarvisCommand; rest: string[] };

/**
 * The commands of the binary, as data: a new command is one more entry in the list handed to the constructor, and
 * dispatch, help and suggestions follow without a switch to extend.
 */
export class CommandTable {
  private readonly byName = new Map<string, JarvisCommand>();

  constructor(commands: readonly JarvisCommand[]) {
    for (const command of commands) {
      if (this.byName.has(command.name)) throw new Error(`command "${command.name}" is registered twice`);
      if ('help' in command.options) throw new Error(`command "${command.name}": --help is added by the table`);
      this.byName.set(command.name, command);
    }
  }

  all(): JarvisCommand[] {
    return [...this.byName.values()];
  }

  /** The command with the longest name that the words start with: `audit show 12` is `audit show` with `12`. */
  find(words: readonly string[]): CommandMatch | undefined {
    for (let length = words.length; length > 0; length--) {
      const command = this.byName.get(words.slice(0, length).join(' '));
      if (command) return { command, rest: words.slice(length) };
    }
    return undefined;
  }

  /** Commands under a group word: `audit` lists `audit list` and `audit show`. */
  under(group: string): JarvisCommand[] {
    return this.all().filter((command) => command.name.startsWith(`${group} `));
  }

  closestTo(word: string): string | undefined {
    return closestName(word, [...new Set(this.all().map((command) => command.name.split(' ')[0]!))]);
  }
}
