/** A Docker API call that got no answer before its deadline; the request was aborted. */
export class DockerCallTimeout extends Error {
  override readonly name = 'DockerCallTimeout';
}

/** The engine's socket or port does not accept connections: no engine, or not yet. */
export class DockerUnreachable extends Error {
  override readonly name = 'DockerUnreachable';
}

const UNREACHABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

export type DockerCallSite = {
  /** What the call is, for messages: e.g. `inspect of container web`. */
  what: string;
  deadlineMs: number;
  /** The engine's address as DOCKER_HOST spells it. */
  endpoint: string;
};

/**
 * Runs one Docker API call with a deadline. Past it the request is aborted (dockerode passes the signal to the HTTP
 * request) and the call fails at once, even if the engine never answers nor closes the connection.
 */
export async function dockerCall<T>(site: DockerCallSite, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DockerCallTimeout(`${site.what}: no answer from the Docker engine at ${site.endpoint} within ${site.deadlineMs / 1000}s`));
    }, site.deadlineMs);
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } catch (error) {
    throw classify(error as Error & { code?: string }, site);
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: Error & { code?: string }, site: DockerCallSite): Error {
  if (error instanceof DockerCallTimeout) return error;
  if (error.code && UNREACHABLE_CODES.has(error.code)) return new DockerUnreachable(`Docker engine unreachable at ${site.endpoint}: ${error.message}`);
  return error;
}
