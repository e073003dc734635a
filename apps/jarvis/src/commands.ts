import { approvalsCommand, approveCommand, auditExportCommand, auditTailCommand, auditVerifyCommand, CommandTable, incidentCommand, incidentsCommand, rejectCommand, startCommand } from '@jarvis/service-kit/cli';
import { auditReplayCommand } from './audit-replay-command.js';

/** Every `jarvis <command>`; a new command is one more entry here. */
export const COMMANDS = new CommandTable([
  startCommand(async () => (await import('./service-registry.js')).SERVICE_REGISTRY),
  approvalsCommand(),
  approveCommand(),
  rejectCommand(),
  incidentsCommand(),
  incidentCommand(),
  auditTailCommand(),
  auditVerifyCommand(),
  auditExportCommand(),
  auditReplayCommand(),
]);
