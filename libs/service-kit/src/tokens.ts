/** Injection tokens shared by every service module. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const EVENT_LOG = Symbol('EVENT_LOG');
export const JARVIS_CONFIG = Symbol('JARVIS_CONFIG');
export const RUNTIME_ENV = Symbol('RUNTIME_ENV');
export const CLOCK = Symbol('CLOCK');

export type Clock = () => Date;

export type RuntimeEnv = {
  natsUrl: string;
  dockerHost: string | undefined;
  httpPort: number;
  configFile: string | null;
  targets: readonly string[];
};
