import type { WatchConfig } from '@jarvis/config';

/** Why a container is watched, or null when it is not: by name in jarvis.yaml, or by label. */
export function watchedBecause(name: string, labels: Record<string, string>, watch: WatchConfig): string | null {
  if (watch.containers.includes(name)) return 'named in jarvis.yaml';
  const separator = watch.label.indexOf('=');
  const key = watch.label.slice(0, separator);
  const value = watch.label.slice(separator + 1);
  return labels[key] === value ? `label ${watch.label}` : null;
}
