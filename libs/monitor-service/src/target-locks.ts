/** Correlation reads and writes incidents of several targets: those steps run one at a time, under this key. */
export const CORRELATION_LOCK = '#correlation';

/** Serializes work per target, so detection, reconciliation and verification never interleave on one container. */
export class TargetLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(target: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(target) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(target, tail);
    void tail.then(() => {
      if (this.tails.get(target) === tail) this.tails.delete(target);
    });
    return next;
  }
}
