import { ConfigError } from '@jarvis/config';
import { EventStoreMisconfigured } from '@jarvis/event-log';
import type { CommandInput, Terminal } from './command-table.js';
import { parseTargets, runJarvis, runtimeEnvFrom, StartupError, type RunningJarvis, type ServiceRegistry, type StopOutcome } from './run-jarvis.js';

/** What `jarvis start` does once its command line is parsed; loaded only then, since it brings in every framework. */
export async function startJarvis(registry: ServiceRegistry, { values, env }: CommandInput, terminal: Terminal): Promise<number> {
  try {
    const targets = parseTargets(values['target'] as string | undefined, registry);
    return await untilStopped(await runJarvis(registry, targets, runtimeEnvFrom(env, targets)), terminal);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StartupError || error instanceof EventStoreMisconfigured) {
      terminal.err(`jarvis: ${error.message}\n`);
      return 2;
    }
    terminal.err(`jarvis: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

/**
 * Waits for SIGTERM/SIGINT, then stops within the configured deadline. A second signal during the stop exits at
 * once; a lost instance lock exits at once too, since another instance now consumes this one's events.
 */
function untilStopped(running: RunningJarvis, terminal: Terminal): Promise<number> {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) {
        terminal.err(`jarvis: second ${signal}, exiting now${abandoned(running.unacknowledgedAppends())}\n`);
        resolve(1);
        return;
      }
      stopping = true;
      terminal.err(`jarvis: ${signal} received, stopping\n`);
      void running.stop().then((outcome) => resolve(report(outcome, terminal)));
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
    void running.lockLost.then((reason) => {
      terminal.err(`jarvis: FATAL: ${reason}${abandoned(running.unacknowledgedAppends())}\n`);
      resolve(1);
    });
  });
}

function report(outcome: StopOutcome, terminal: Terminal): number {
  for (const note of outcome.notes) terminal.err(`jarvis: ${note}\n`);
  for (const failure of outcome.failures) terminal.err(`jarvis: error while stopping: ${failure}\n`);
  if (outcome.lost.length > 0) {
    terminal.err(`jarvis: stopped, but${abandoned(outcome.lost)}\n`);
    return 1;
  }
  if (outcome.failures.length > 0) return 1;
  terminal.err('jarvis: stopped\n');
  return 0;
}

/** An append without its ack may or may not be stored: say which, so the operator can look for it in the log. */
function abandoned(appends: string[]): string {
  if (appends.length === 0) return '';
  return `; ${appends.length} event append(s) never got their ack and may be lost: ${appends.join(', ')}`;
}
