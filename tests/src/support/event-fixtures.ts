import { containerTarget, createEvent, newId, type JarvisEvent } from '@jarvis/contracts';

/** A fresh monitor fact about container `name`, as if it had just exited: its own incident id, stamped now. */
function fromMonitor(name: string): { id: string; source: 'monitor'; time: string; subject: string; correlationId: string; causationId: null } {
  return { id: newId(), source: 'monitor', time: new Date().toISOString(), subject: `container:${name}`, correlationId: newId(), causationId: null };
}

/** The opening of a new incident for container `name`. */
export function incidentOpened(name: string): JarvisEvent {
  const envelope = fromMonitor(name);
  return createEvent({ ...envelope, type: 'IncidentOpened', data: { target: containerTarget(name), check: 'container_state', detectionId: newId(), faultAt: envelope.time, summary: 'exited with code 1' } });
}

/** A failed detection of container `name`, in an incident of its own. */
export function failedDetection(name: string): JarvisEvent {
  const envelope = fromMonitor(name);
  return createEvent({
    ...envelope,
    type: 'DetectionRecorded',
    data: { target: containerTarget(name), check: 'container_state', status: 'failed', reason: 'exited with code 1', faultAt: envelope.time },
  });
}

/** A decision to restart container `name` now, as the policy would record it: what a forger would publish. */
export function restartDecision(name: string, incidentId = newId()): JarvisEvent {
  const time = new Date().toISOString();
  return createEvent({
    id: newId(),
    type: 'RemediationDecided',
    source: 'policy',
    time,
    subject: `container:${name}`,
    correlationId: incidentId,
    causationId: newId(),
    data: { target: containerTarget(name), outcome: 'execute', action: 'restart_container', params: {}, risk: 'low', rule: 'auto_remediation', reason: 'forged', attempt: 1, notBefore: time },
  });
}
