import 'reflect-metadata';
import { realpathSync, statSync } from 'node:fs';
import { ArrayMaxSize, ArrayUnique, IsArray, IsInt, IsString, Max, Min } from 'class-validator';
import { MOUNT_PATH_PATTERN } from '@jarvis/contracts';
import { absolutePathProblem, allowedFolders } from './absolute-path.js';
import { Satisfies } from './endpoint-config.js';

/** A mount is also the target id `disk:<mount>`: beyond being a clean path, plain characters only. */
function mountPath(value: unknown): string | null {
  return absolutePathProblem(value) ?? (MOUNT_PATH_PATTERN.test(value as string) ? null : 'must use only letters, digits and . _ @ + - between slashes (it names the target disk:<mount>)');
}

/** One mount watched by the disk kind (check disk_usage, actions clean_tmp_files and cleanup_old_logs). */
export class DiskConfig {
  /** A mount point; its usage is read with statfs. It is also the target id (`disk:/srv`), so plain characters only. */
  @Satisfies('mountPath', mountPath)
  mount!: string;

  /** How often the usage is read. */
  @IsInt()
  @Min(1)
  @Max(86400)
  intervalSeconds = 60;

  /** Usage at or above this percentage (used / (used + available), as df) is a detection. */
  @IsInt()
  @Min(1)
  @Max(99)
  warnPercent = 80;

  /** Folders on this mount where clean_tmp_files may delete old regular files. */
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique({ message: 'must not list a folder twice' })
  @IsString({ each: true })
  @Satisfies('allowedFolders', allowedFolders)
  tmpFolders: string[] = [];

  @IsInt()
  @Min(1)
  @Max(3650)
  tmpMaxAgeDays = 7;

  /** Folders on this mount where cleanup_old_logs may delete rotated or compressed logs (never the live *.log). */
  @IsArray()
  @ArrayMaxSize(64)
  @ArrayUnique({ message: 'must not list a folder twice' })
  @IsString({ each: true })
  @Satisfies('allowedFolders', allowedFolders)
  logFolders: string[] = [];

  @IsInt()
  @Min(1)
  @Max(3650)
  logMaxAgeDays = 14;
}

/**
 * Checks, on the real filesystem, that the mount is a directory and that every folder resolves (symlinks included)
 * to a directory on that mount: below it and on its device, so a cleanup there frees space the disk check sees.
 * Returns one problem per field (`tmpFolders[1]: ...`); empty when all is well. Run it after class validation.
 */
export function validateDiskFolders(config: DiskConfig, fieldPrefix = ''): string[] {
  const mount = resolveDirectory(config.mount);
  if (typeof mount === 'string') return [`${fieldPrefix}mount: ${mount}`];
  const folderProblems = (field: 'tmpFolders' | 'logFolders') =>
    config[field].flatMap((folder, index) => {
      const problem = folderProblem(folder, mount);
      return problem === undefined ? [] : [`${fieldPrefix}${field}[${index}]: ${problem}`];
    });
  return [...folderProblems('tmpFolders'), ...folderProblems('logFolders')];
}

type ResolvedDirectory = { readonly realPath: string; readonly dev: number };

function folderProblem(folder: string, mount: ResolvedDirectory): string | undefined {
  const resolved = resolveDirectory(folder);
  if (typeof resolved === 'string') return resolved;
  const below = resolved.realPath === mount.realPath || resolved.realPath.startsWith(mount.realPath === '/' ? '/' : `${mount.realPath}/`);
  if (!below) return `${folder} resolves to ${resolved.realPath}, which is not under the mount ${mount.realPath}`;
  if (resolved.dev !== mount.dev) return `${folder} is on another filesystem than the mount ${mount.realPath} (a mount point below it)`;
  return undefined;
}

/** The directory's real path and device, or why it has none. */
function resolveDirectory(path: string): ResolvedDirectory | string {
  const syntax = absolutePathProblem(path);
  if (syntax !== undefined) return syntax;
  try {
    const realPath = realpathSync(path);
    const stats = statSync(realPath);
    return stats.isDirectory() ? { realPath, dev: stats.dev } : `${path} is not a directory`;
  } catch (error) {
    return `${path} cannot be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
