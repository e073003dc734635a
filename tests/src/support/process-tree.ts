import { readdirSync, readFileSync } from 'node:fs';

export type ProcessInfo = { pid: number; ppid: number; comm: string; cmdline: string };

/** Every live process below `root` (not root itself), read from /proc. */
export function descendantsOf(root: number): ProcessInfo[] {
  const all = readdirSync('/proc').flatMap((entry) => (/^\d+$/.test(entry) ? [processInfo(Number(entry))] : [])).filter((p): p is ProcessInfo => p !== null);
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let added = true; added; ) {
    added = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        added = true;
      }
    }
  }
  return found;
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const info = processInfo(pid);
  return info !== null && !/^\d+ \(.*\) Z/.test(readStat(pid) ?? '');
}

function processInfo(pid: number): ProcessInfo | null {
  const stat = readStat(pid);
  if (!stat) return null;
  const close = stat.lastIndexOf(')');
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return null;
  }
  return { pid, ppid, comm, cmdline };
}

function readStat(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
}
