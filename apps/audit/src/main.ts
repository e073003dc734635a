import { AuditModule } from '@jarvis/audit-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The audit service on its own: the same code as `jarvis start --target audit`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'audit': AuditModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'audit', ...process.argv.slice(2)], process.env);
