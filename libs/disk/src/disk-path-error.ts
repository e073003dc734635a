/** A path this lib was asked to use is unusable; names the path and the reason, and nothing was changed. */
export class DiskPathError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'DiskPathError';
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'error';
}
