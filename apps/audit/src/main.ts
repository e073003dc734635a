import { AuditModule } from '@jarvis/audit-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The audit service on its own: the same code as `jarvis start --target audit`, for one-service containers. */
process.exitCode = await runCommandLine({ 'audit': AuditModule }, ['start', '--target', 'audit', ...process.argv.slice(2)], process.env);
