import type { DockerHarness } from './docker-harness.js';

/** How many engine events of these kinds a container had from `sinceSeconds` (Unix time) until now. */
export async function countEngineEvents(docker: DockerHarness, name: string, sinceSeconds: number, actions: string[]): Promise<number> {
  const until = Math.ceil(Date.now() / 1000) + 1;
  const stream = (await docker.docker.getEvents({ since: sinceSeconds, until, filters: { container: [name], event: actions } })) as NodeJS.ReadableStream;
  let body = '';
  for await (const chunk of stream) body += chunk.toString();
  return body.split('\n').filter((line) => line.trim()).length;
}

/** Unix seconds, starting a fresh second: engine events before this call are not counted from it. */
export async function freshSecond(): Promise<number> {
  const now = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + 10));
  return Math.floor(Date.now() / 1000);
}
