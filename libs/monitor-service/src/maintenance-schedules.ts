import { ConfigError, type JarvisConfig } from '@jarvis/config';
import { parseTargetKey, targetKey, targetOf, validateParams, type ActionParams, type TargetRef } from '@jarvis/contracts';
import { CLEANUP_OLD_LOGS, type CapabilityRegistry } from '@jarvis/registry';
import { CronSchedule } from '@jarvis/schedule';

/** One schedule ready to plan: its cron, and the action, target and params it runs, all checked against the registry. */
export type PlannedSchedule = { id: string; schedule: CronSchedule; target: TargetRef; action: string; params: ActionParams };

/**
 * The schedules of jarvis.yaml plus the default daily log cleanup of every disk with log folders (unless one of yours
 * already cleans its logs). A schedule naming an unknown kind or target, an action of another kind or one that does
 * not apply, or params the action refuses stops the start, naming the entry.
 */
export function plannedSchedules(config: JarvisConfig, registry: CapabilityRegistry<unknown>): PlannedSchedule[] {
  const problems: string[] = [];
  const planned = config.maintenance.schedules.flatMap((entry, i) => {
    if (!entry.enabled) return [];
    const at = `maintenance.schedules[${i}]`;
    const target = parseTargetKey(entry.target);
    if (!target.ok) return fail(`${at}.target: ${target.error}`);
    const descriptor = registry.descriptor(entry.action);
    if (!descriptor || descriptor.kind !== target.target.kind) return fail(`${at}.action: ${target.target.kind} has no action "${entry.action}"`);
    if (!(descriptor.appliesTo?.(target.target) ?? true)) return fail(`${at}.action: ${entry.action} cannot act on ${entry.target}`);
    const params = validateParams(descriptor.params, entry.params);
    if (!params.ok) return fail(...params.errors.map((e) => `${at}.${e}`));
    return [{ id: entry.id, schedule: CronSchedule.parse(entry.cron, entry.timezone ? { timezone: entry.timezone } : {}), target: target.target, action: entry.action, params: entry.params }];
  });
  if (problems.length > 0) throw new ConfigError('jarvis.yaml', problems);
  return [...planned, ...defaultLogCleanups(config, planned)];

  function fail(...found: string[]): PlannedSchedule[] {
    problems.push(...found);
    return [];
  }
}

function defaultLogCleanups(config: JarvisConfig, planned: readonly PlannedSchedule[]): PlannedSchedule[] {
  if (!config.maintenance.defaultLogCleanup) return [];
  const covered = new Set(planned.filter((p) => p.action === CLEANUP_OLD_LOGS).map((p) => targetKey(p.target)));
  return config.disks
    .filter((disk) => disk.logFolders.length > 0 && !covered.has(`disk:${disk.mount}`))
    .map((disk, i) => ({
      id: `default-log-cleanup-${i}`,
      schedule: CronSchedule.parse(config.maintenance.defaultLogCleanupCron),
      target: targetOf('disk', disk.mount),
      action: CLEANUP_OLD_LOGS,
      params: {},
    }));
}
