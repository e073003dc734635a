import type { JarvisConfig } from '@jarvis/config';
import type { TimeSavedEstimates } from '@jarvis/incidents';

export function timeSavedEstimatesOf({ reliability }: JarvisConfig): TimeSavedEstimates {
  return { minutesByAction: new Map(reliability.timeSaved.map((e) => [e.action, e.minutes])), defaultMinutes: reliability.defaultMinutes };
}
