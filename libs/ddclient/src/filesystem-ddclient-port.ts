import type { DdclientConfig } from '@jarvis/config';
import type { DdclientConfigProblem, DdclientForcedRun, DdclientHostReading, DdclientInspection, DdclientPort, DdclientPublications } from '@jarvis/registry';
import { readPublications } from './ddclient-cache-publications.js';
import { appendToDdclientLog } from './ddclient-log-append.js';
import type { DdclientProblem } from './ddclient-document.js';
import { loadDdclientConfig } from './ddclient-files.js';
import { DdclientRunner } from './ddclient-runner.js';
import { recogniseDdclientOutput } from './ddclient-output.js';
import { GuardedFileReader } from './guarded-file-reader.js';
import { validateDdclientConfig } from './validate-ddclient-config.js';

/** Enough of a log for the latest line about every host of a homelab, bounded so a huge log costs little. */
const LOG_TAIL_BYTES = 256 * 1024;

/** Reads ddclient.conf, its key files and its log from the filesystem, through path whitelists. */
export class FilesystemDdclientPort implements DdclientPort {
  async inspect(ddclient: DdclientConfig): Promise<DdclientInspection> {
    const loaded = await loadDdclientConfig(ddclient);
    const problems = validateDdclientConfig(loaded.document, loaded.keyFiles).map(located);
    const log = ddclient.log ? await readLog(ddclient.log) : { hosts: null, logProblem: null };
    return { hostCount: loaded.document.hosts.length, problems, ...log };
  }

  async forceUpdate(ddclient: DdclientConfig, signal: AbortSignal): Promise<DdclientForcedRun> {
    const run = await new DdclientRunner(ddclient).run({ force: true }, signal);
    if (ddclient.log && run.output !== '') await appendToDdclientLog(ddclient.log, run.output);
    return { exitCode: run.exitCode, timedOut: run.timedOut, hosts: run.hosts };
  }

  async lastPublished(ddclient: DdclientConfig): Promise<DdclientPublications> {
    return readPublications(ddclient, (await loadDdclientConfig(ddclient)).document);
  }
}

async function readLog(path: string): Promise<{ hosts: DdclientHostReading[] | null; logProblem: string | null }> {
  try {
    const reader = await GuardedFileReader.forFolders([await GuardedFileReader.folderOf(path)]);
    return { hosts: recogniseDdclientOutput(await reader.readTail(path, LOG_TAIL_BYTES)), logProblem: null };
  } catch (error) {
    return { hosts: null, logProblem: `${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  }
}

function located(problem: DdclientProblem): DdclientConfigProblem {
  const where = problem.position ? `line ${problem.position.line}, column ${problem.position.column}` : 'file';
  return { severity: problem.severity, where, message: problem.message };
}
