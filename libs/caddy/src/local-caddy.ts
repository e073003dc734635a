import type { CaddyConfig } from '@jarvis/config';
import type { AdminReading, CaddyAdminPath, CaddyPort, CaddyRun, Reachability, UpstreamEndpoint } from '@jarvis/registry';
import { getAdmin, reloadCurrentConfig } from './admin-client.js';
import { DEFAULT_CADDYFILE_DIRS, resolveAllowedFile } from './allowed-file.js';
import { runCaddy } from './caddy-program.js';
import { reachUpstream } from './upstream-reach.js';

const CADDY_ENVIRONMENT = ['HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME'] as const;

export type LocalCaddyOptions = {
  /** Folders a Caddyfile may live in (real paths, symlinks resolved). */
  caddyfileDirs?: readonly string[];
};

/** The Caddy kind's port on this machine: its admin API over loopback, its program with an argument list. */
export class LocalCaddy implements CaddyPort {
  private readonly caddyfileDirs: readonly string[];

  constructor(options: LocalCaddyOptions = {}) {
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
    return runCaddy({ binary: instance.binary, command, caddyfile, env: caddyEnvironment(), timeoutMs: instance.timeoutMs, signal });
  }
}

/** What Caddy may see of Jarvis's environment: where its home is (it keeps its data there), nothing else. */
function caddyEnvironment(): Record<string, string> {
  return Object.fromEntries(CADDY_ENVIRONMENT.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]])));
}
