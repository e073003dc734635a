import 'reflect-metadata';
import { IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { CONTAINER_NAME_PATTERN } from '@jarvis/contracts';
import { Describe } from './config-description.js';
import { absolutePath } from './absolute-path.js';
import { Satisfies } from './endpoint-config.js';

/** A systemd service unit name: it is passed to systemctl, so no leading dash, no path, no blank; it ends in .service. */
export const SYSTEMD_UNIT_PATTERN = /^[A-Za-z0-9_.:@][A-Za-z0-9_.:@-]{0,240}\.service$/;

/**
 * How a component (Caddy, ddclient) runs, so Jarvis can restart it when its own fix did not help: in a Docker
 * container, or as a systemd unit. Exactly one of the two.
 */
export class RunsAsConfig {
  @Describe('The Docker container it runs in: restarted through the Docker API (the socket proxy).')
  // Checked also when absent, unless the unit is named: one of the two must be.
  @ValidateIf((owner: RunsAsConfig) => owner.container !== undefined || owner.systemdUnit === undefined)
  @Satisfies<RunsAsConfig>('containerOrUnit', (value, owner) => containerProblem(value, owner))
  container?: string;

  @Describe('The systemd service unit it runs as (name.service): restarted with `systemctl restart`, run as argv.')
  @IsOptional()
  @IsString()
  @MaxLength(256)
  @Matches(SYSTEMD_UNIT_PATTERN, { message: 'must be a systemd service unit name (letters, digits, _ . : @ -, not starting with a dash, ending in .service)' })
  systemdUnit?: string;

  @Describe('systemctl, an absolute path; only used for a systemdUnit.')
  @IsString()
  @Satisfies('absolutePath', absolutePath)
  systemctl = '/usr/bin/systemctl';
}

function containerProblem(value: unknown, owner: RunsAsConfig): string | null {
  if (value === undefined && owner.systemdUnit === undefined) return 'name the container or the systemdUnit it runs as';
  if (value !== undefined && owner.systemdUnit !== undefined) return 'name either the container or the systemdUnit, not both';
  if (typeof value !== 'string' || value.length > 128 || !CONTAINER_NAME_PATTERN.test(value)) return 'must be a Docker container name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128)';
  return null;
}
