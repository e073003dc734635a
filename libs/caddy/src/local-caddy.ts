import type { CaddyConfig } from '@jarvis/config';
import type { AdminReading, CaddyAdminPath, CaddyPort, CaddyRun, Reachability, UpstreamEndpoint } from '@jarvis/registry';
import { getAdmin, reloadCurrentConfig } from './admin-client.js';
import { DEFAULT_CADDYFILE_DIRS, resolveAllowedFile } from './allowed-file.js';
import { ExecFileCommandRunner, type CommandRunner } from './command-runner.js';
import { reachUpstream } from './upstream-reach.js';

export type LocalCaddyOptions = {
  runner?: CommandRunner;
  /** Folders a Caddyfile may live in (real paths, symlinks resolved). */
  caddyfileDirs?: readonly string[];
};

/** The Caddy kind's port on this machine: its admin API over loopback, its program with an argument list. */
export class LocalCaddy implements CaddyPort {
  private readonly runner: CommandRunner;
  private readonly caddyfileDirs: readonly string[];

  constructor(options: LocalCaddyOptions = {}) {
    this.runner = options.runner ?? new ExecFileCommandRunner();
    this.caddyfileDirs = options.caddyfileDirs ?? DEFAULT_CADDYFILE_DIRS;
  }

  admin(instance: CaddyConfig, path: CaddyAdminPath, signal: AbortSignal): Promise<AdminReading> {
    return getAdmin(instance.adminAddress, instance.adminPort, path, instance.timeoutMs, signal);
  }

  reloadCurrentConfig(instance: CaddyConfig, signal: AbortSignal): Promise<AdminReading> {
    return reloadCurrentConfig(instance.adminAddress, instance.adminPort, instance.timeoutMs, signal);
  }

  validate(instance: CaddyConfig, signal: AbortSignal): Promise<CaddyRun> {
    return this.runCaddy(instance, 'validate', signal);
  }

  adapt(instance: CaddyConfig, signal: AbortSignal): Promise<CaddyRun> {
    return this.runCaddy(instance, 'adapt', signal);
  }

  reach(upstream: UpstreamEndpoint, timeoutMs: number, signal: AbortSignal): Promise<Reachability> {
    return reachUpstream(upstream, timeoutMs, signal);
  }

  /** The Caddyfile is judged on its real path and that path is what caddy gets, so a swapped symlink changes nothing. */
  private async runCaddy(instance: CaddyConfig, command: 'validate' | 'adapt', signal: AbortSignal): Promise<CaddyRun> {
    const caddyfile = await resolveAllowedFile(instance.caddyfile, this.caddyfileDirs, 'caddyfile');
    return this.runner.run(instance.binary, [command, '--config', caddyfile, '--adapter', 'caddyfile'], { timeoutMs: instance.timeoutMs, signal });
  }
}
