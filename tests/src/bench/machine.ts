import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';

export type MachineInfo = {
  nproc: string;
  cpuModel: string;
  memTotal: string;
  kernel: string;
  node: string;
  natsServer: string;
  dockerEngine: string;
};

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch (error) {
    return `unknown (${(error as Error).message.split('\n')[0]})`;
  }
}

function fromProc(file: string, key: string): string | undefined {
  try {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(key));
    return line?.slice(line.indexOf(':') + 1).trim();
  } catch {
    return undefined;
  }
}

/** What the numbers were measured on: CPUs, memory, kernel and the versions of everything in the loop. */
export async function machineInfo(docker?: Docker): Promise<MachineInfo> {
  const memKib = Number(/^(\d+)/.exec(fromProc('/proc/meminfo', 'MemTotal') ?? '')?.[1] ?? NaN);
  const version = await docker?.version().catch(() => undefined);
  return {
    nproc: run('nproc', []),
    cpuModel: fromProc('/proc/cpuinfo', 'model name') ?? 'unknown',
    memTotal: Number.isFinite(memKib) ? `${(memKib / 1024 / 1024).toFixed(1)} GiB` : 'unknown',
    kernel: run('uname', ['-r']),
    node: process.version,
    natsServer: run('nats-server', ['--version']).replace(/^nats-server:\s*/, ''),
    dockerEngine: version ? `${version.Version} (API ${version.ApiVersion}, ${version.Os}/${version.Arch})` : docker ? 'unknown' : 'not used',
  };
}

/** The machine's load average over 1, 5 and 15 minutes (/proc/loadavg): other work on a shared machine shows here. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
}

/** Resident set size of one process, in KiB, from /proc/<pid>/status (VmRSS). */
export function rssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
