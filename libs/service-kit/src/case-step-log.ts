import type { LoggerService } from '@nestjs/common';
import type { EventLog } from '@jarvis/event-log';
import { caseStepLine, caseStepOf } from '@jarvis/incidents';

/**
 * The same log, with one line written for every step of a case that this process records: whoever appends a fact
 * tells it, once (a de-duplicated append of a redelivered step is not told again).
 */
export function logCaseSteps(log: EventLog, logger: LoggerService): EventLog {
  return new Proxy(log, {
    get: (target, property) => {
      const member = Reflect.get(target, property, target) as unknown;
      if (typeof member !== 'function') return member;
      if (property !== 'append') return member.bind(target);
      return async (...args: Parameters<EventLog['append']>) => {
        const result = await target.append(...args);
        const [event] = args;
        const step = caseStepOf(event);
        if (!result.duplicate && !step.quiet) {
          const line = caseStepLine(event, step);
          if (step.warning) logger.warn(line, 'case');
          else logger.log(line, 'case');
        }
        return result;
      };
    },
  });
}
