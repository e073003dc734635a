import { CommandRunner, flag, value, type CommandArgument } from '@jarvis/command-runner';
import type { DdclientConfig } from '@jarvis/config';
import { loadDdclientConfig, secretsOf } from './ddclient-files.js';
import { recogniseDdclientOutput, type HostUpdateStatus } from './ddclient-output.js';

/** What one ddclient run did: per-host status and its output, secrets redacted. */
export type DdclientRun = {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  readonly hosts: readonly HostUpdateStatus[];
  /** stdout then stderr, bounded, every secret of the config replaced by `***`. */
  readonly output: string;
};

/** nsupdate (and ddclient's own helpers) are found on this PATH; nothing else of Jarvis's environment is passed. */
const DDCLIENT_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

/**
 * Runs ddclient once in the foreground against the configured file and cache. `force` updates even when ddclient
 * would skip (it waits 5 minutes after a failure, which is exactly when a fixed secret must be tried). Never runs
 * `-query`, which asks public address-discovery services.
 */
export class DdclientRunner {
  private readonly commands: CommandRunner;

  constructor(private readonly settings: Pick<DdclientConfig, 'program' | 'config' | 'cache' | 'keyFolders' | 'runTimeoutSeconds'>) {
    this.commands = new CommandRunner({ programs: [{ path: settings.program, endOfOptions: false }], env: DDCLIENT_ENV });
  }

  async run(options: { force: boolean }, signal?: AbortSignal): Promise<DdclientRun> {
    const secrets = secretsOf(await loadDdclientConfig(this.settings));
    const args: CommandArgument[] = [
      flag('-daemon'),
      value('daemon interval', '0'),
      flag('-foreground'),
      flag('-verbose'),
      flag('-noquiet'),
      flag('-file'),
      value('config file', this.settings.config),
      flag('-cache'),
      value('cache file', this.settings.cache),
      ...(options.force ? [flag('-force')] : []),
    ];
    const result = await this.commands.run({ program: this.settings.program, args, secrets, timeoutMs: this.settings.runTimeoutSeconds * 1000, signal });
    return {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      hosts: recogniseDdclientOutput(`${result.stdout}\n${result.stderr}`),
      output: [result.stdout, result.stderr].filter((s) => s !== '').join('\n'),
    };
  }
}
