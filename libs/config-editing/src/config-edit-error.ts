/** An edit that cannot be carried out as asked: names the field (or the path) and why; nothing was changed. */
export class ConfigEditError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ConfigEditError';
  }
}
