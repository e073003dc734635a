import { CommandRefusedError, CommandRunner, operand } from '@jarvis/command-runner';
import { SYSTEMD_UNIT_PATTERN } from '@jarvis/config';
import type { ComponentRestartPort, ContainerRuntime } from '@jarvis/registry';

/** systemctl needs nothing of Jarvis's environment (its tokens); it talks to systemd over its socket. */
const SYSTEMCTL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
/** Docker's own wait for a graceful stop before it kills the component, as for a container restart. */
export const COMPONENT_STOP_TIMEOUT_SECONDS = 10;

/**
 * Containers through the Docker runtime the executor already has (the socket proxy), units with
 * `systemctl -- restart <unit>`: the verb and the unit are operands after `--`, so neither can be read as an option.
 */
export class ComponentRestarts implements ComponentRestartPort {
  constructor(
    private readonly containers: ContainerRuntime,
    private readonly unitTimeoutMs: number,
  ) {}

  restartContainer(name: string): Promise<void> {
    return this.containers.restart(name, COMPONENT_STOP_TIMEOUT_SECONDS);
  }

  async restartUnit({ systemctl, unit }: { systemctl: string; unit: string }, signal: AbortSignal): Promise<void> {
    // jarvis.yaml's validation already says so; checked again here, where the name meets a command line.
    if (!SYSTEMD_UNIT_PATTERN.test(unit)) throw new CommandRefusedError(`unit ${JSON.stringify(unit.slice(0, 64))} is not a systemd service unit name; nothing was run`);
    const runner = new CommandRunner({ programs: [{ path: systemctl, endOfOptions: true }], env: SYSTEMCTL_ENV });
    const result = await runner.run({ program: systemctl, args: [operand('verb', 'restart'), operand('unit', unit)], timeoutMs: this.unitTimeoutMs, signal });
    if (result.timedOut) throw new Error(`systemctl restart ${unit} did not finish within ${this.unitTimeoutMs} ms`);
    if (result.exitCode !== 0) throw new Error(`systemctl restart ${unit} exited with ${result.exitCode ?? result.signal}: ${(result.stderr || result.stdout).trim().slice(0, 500)}`);
  }
}
