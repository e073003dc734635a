import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '@jarvis/config';
import { capabilityRegistry } from '@jarvis/registry';
import { plannedSchedules } from './maintenance-schedules.js';

function plan(yaml: string) {
  const config = parseConfig(yaml);
  return plannedSchedules(config, capabilityRegistry(config));
}

function problemsOf(yaml: string): string[] {
  try {
    plan(yaml);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const schedule = (entry: string) => `maintenance:\n  schedules:\n    - id: s1\n      cron: "0 3 * * *"\n${entry}`;

describe('plannedSchedules: what the monitor will start, checked at start', () => {
  it('given a schedule restarting a container, then it is planned with its target, action and params', () => {
    const [planned] = plan(schedule('      target: container:web\n      action: restart_container\n'));
    assert.deepEqual([planned!.id, planned!.target.kind, planned!.target.id, planned!.action], ['s1', 'container', 'web', 'restart_container']);
    assert.equal(planned!.schedule.nextAfter(new Date('2026-01-01T00:00:00Z'))!.toISOString(), '2026-01-01T03:00:00.000Z');
  });

  it('given a disabled schedule, then it is not planned', () => {
    assert.deepEqual(plan(schedule('      target: container:web\n      action: restart_container\n      enabled: false\n')), []);
  });

  it('given a bad target, an action of another kind, or params the action refuses, then the start stops naming the entry', () => {
    assert.deepEqual(problemsOf(schedule('      target: vm:web\n      action: restart_container\n')), ['maintenance.schedules[0].target: "vm:web" must start with a target kind (container, disk, http_endpoint, tls_certificate, caddy, ddclient, dns_record) and a colon']);
    assert.deepEqual(problemsOf(schedule('      target: container:web\n      action: cleanup_old_logs\n')), ['maintenance.schedules[0].action: container has no action "cleanup_old_logs"']);
    assert.deepEqual(problemsOf(schedule('      target: container:web\n      action: restart_container\n      params: { force: true }\n')), ['maintenance.schedules[0].params.force: property force should not exist']);
    assert.deepEqual(problemsOf(schedule('      target: http_endpoint:nowhere\n      action: restart_serving_container\n')), ['maintenance.schedules[0].action: restart_serving_container cannot act on http_endpoint:nowhere']);
  });

  it('given a disk with log folders, then a daily cleanup_old_logs is planned for it unless a schedule already cleans its logs', () => {
    const mount = mkdtempSync(join(tmpdir(), 'jarvis-plan-'));
    mkdirSync(join(mount, 'log'));
    try {
      const disk = `disks:\n  - mount: ${mount}\n    logFolders: [${mount}/log]\n`;
      const [daily] = plan(disk);
      assert.deepEqual([daily!.id, daily!.action, `${daily!.target.kind}:${daily!.target.id}`], ['default-log-cleanup-0', 'cleanup_old_logs', `disk:${mount}`]);
      assert.equal(daily!.schedule.nextAfter(new Date('2026-01-01T00:00:00Z'))!.toISOString(), '2026-01-01T03:00:00.000Z');
      const own = plan(`${disk}${schedule(`      target: disk:${mount}\n      action: cleanup_old_logs\n`)}`);
      assert.deepEqual(own.map((s) => s.id), ['s1'], 'your own schedule replaces the default');
      assert.deepEqual(plan(`${disk}maintenance:\n  defaultLogCleanup: false\n`), []);
    } finally {
      rmSync(mount, { recursive: true });
    }
  });
});
