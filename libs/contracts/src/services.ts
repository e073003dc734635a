export const SERVICE_NAMES = ['monitor', 'policy', 'executor', 'config-editor', 'audit', 'gateway'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
