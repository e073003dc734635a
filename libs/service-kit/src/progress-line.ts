/** One line on a terminal's stderr that a long command rewrites in place; nothing at all when it is not enabled. */
export type ProgressLine = { show(seq: number, lastSeq: number, note?: string): void; clear(): void };

const BAR_WIDTH = 30;

/** `verifying [#####.....] 42% seq 420/1000, 5120 events/s`: enable it only when stderr is a terminal. */
export function progressLine(enabled: boolean, verb: string): ProgressLine {
  if (!enabled) return { show: () => undefined, clear: () => undefined };
  return {
    show: (seq, lastSeq, note) => {
      const share = lastSeq > 0 ? Math.min(1, seq / lastSeq) : 1;
      const filled = Math.round(share * BAR_WIDTH);
      process.stderr.write(`\r${verb} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.round(share * 100)}% seq ${seq}/${lastSeq}${note ? `, ${note}` : ''}`);
    },
    clear: () => void process.stderr.write('\r\x1b[2K'),
  };
}
