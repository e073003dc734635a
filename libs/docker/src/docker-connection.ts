import Docker from 'dockerode';

const DEFAULT_SOCKET = '/var/run/docker.sock';

/** DOCKER_HOST as the Docker CLI reads it: unix:///path or tcp://host:port; unset means the local socket. */
export function dockerFromEnv(dockerHost: string | undefined = process.env['DOCKER_HOST']): Docker {
  if (!dockerHost) return new Docker({ socketPath: DEFAULT_SOCKET });
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  if (dockerHost.startsWith('tcp://')) {
    const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
    return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
  }
  throw new Error(`DOCKER_HOST: unsupported value "${dockerHost}" (use unix:///path/to/docker.sock or tcp://host:port)`);
}

/** The engine's address for messages, as DOCKER_HOST would spell it. */
export function dockerEndpoint(dockerHost: string | undefined = process.env['DOCKER_HOST']): string {
  return dockerHost || `unix://${DEFAULT_SOCKET}`;
}
