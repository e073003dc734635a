import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTracked, waitFor, type TrackedProcess } from './processes.js';

export const CADDY = '/usr/bin/caddy';

export type CaddyHarness = { process: TrackedProcess; caddyfile: string; stop(): Promise<void> };

/**
 * Caddy 2.6 run in the foreground from a Caddyfile written to `dir`, with its home there too, stopped by its PID.
 * Ready once its admin API answers.
 */
export async function startCaddy(dir: string, caddyfileText: string, adminPort: number): Promise<CaddyHarness> {
  const caddyfile = join(dir, 'Caddyfile');
  writeFileSync(caddyfile, caddyfileText);
  const env = { PATH: '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  const process = spawnTracked(CADDY, ['run', '--config', caddyfile, '--adapter', 'caddyfile'], { env, cwd: dir, logFile: join(dir, 'caddy.log') });
  const stop = async () => void (await process.stop('SIGTERM', 10_000));
  try {
    await waitFor('the Caddy admin API', async () => (await fetch(`http://127.0.0.1:${adminPort}/config/`, { signal: AbortSignal.timeout(1000) })).ok, 20_000, 200);
  } catch (error) {
    await stop();
    (error as Error).message += `\n${process.log()}`;
    throw error;
  }
  return { process, caddyfile, stop };
}
