import type { Readable } from 'node:stream';

/** Collects a stream up to `limit` bytes, reading (and dropping) the rest so the child never blocks on a full pipe. */
export class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private dropped = false;

  constructor(
    stream: Readable,
    private readonly limit: number,
  ) {
    stream.on('data', (chunk: Buffer) => this.take(chunk));
  }

  get truncated(): boolean {
    return this.dropped;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  private take(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) {
      this.dropped = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept.length < chunk.length) this.dropped = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }
}
