import type Docker from 'dockerode';

/**
 * Counts the engine's restarts of watched containers as they happen: the engine answers a query of past events from
 * a short buffer only (256 events), far fewer than a run makes.
 */
export async function followRestarts(docker: Docker): Promise<{ count(): number; stop(): void }> {
  const stream = (await docker.getEvents({ filters: { event: ['restart'], label: ['jarvis.watch=true'] } })) as NodeJS.ReadableStream & { destroy(): void };
  let count = 0;
  let partial = '';
  stream.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    count += lines.filter((line) => line.trim() !== '').length;
  });
  stream.on('error', () => undefined);
  return { count: () => count, stop: () => stream.destroy() };
}
