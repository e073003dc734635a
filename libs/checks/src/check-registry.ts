import type { Check } from './check.js';
import { ContainerStateCheck, type ContainerObservation } from './container-state-check.js';

/** The one place checks are registered. Later issues add DNS, TLS, disk, Redis... checks here. */
export function containerChecks(): Check<ContainerObservation>[] {
  return [new ContainerStateCheck()];
}
