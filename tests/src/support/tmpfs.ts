import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

/** mount and umount are quick; a hung one must fail the test, not stall it. */
const MOUNT_TIMEOUT_MS = 10_000;

/**
 * Mounts made by one test file, undone in reverse order by `unmountAll` (inner mounts first). Root only; every
 * command is an argv array, never a shell string.
 */
export class Mounts {
  private readonly mounted: string[] = [];

  /** A tmpfs of `size` (mount's syntax: `8m`) at `dir`, created if missing. */
  tmpfs(dir: string, size: string): string {
    mkdirSync(dir, { recursive: true });
    this.run(['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
    this.mounted.push(dir);
    return dir;
  }

  /** Another view of `source` at `dir`: same filesystem and device, another mount. */
  bind(source: string, dir: string): string {
    mkdirSync(dir, { recursive: true });
    this.run(['--bind', source, dir]);
    this.mounted.push(dir);
    return dir;
  }

  unmountAll(): void {
    const failures: string[] = [];
    for (const dir of this.mounted.splice(0).reverse()) {
      try {
        execFileSync('umount', ['--', dir], { timeout: MOUNT_TIMEOUT_MS, stdio: 'pipe' });
      } catch (error) {
        failures.push(`${dir}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new Error(`could not unmount:\n${failures.join('\n')}`);
  }

  private run(args: string[]): void {
    execFileSync('mount', args, { timeout: MOUNT_TIMEOUT_MS, stdio: 'pipe' });
  }
}
