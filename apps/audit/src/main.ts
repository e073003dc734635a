import { AuditModule } from '@jarvis/audit-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/**
 * The audit service as its own NestJS application: what `jarvis start --target audit` runs, as the entry point of
 * its container in docker-compose.split.yml. Exit explicitly, as the jarvis binary does: after a stop cut short by
 * its deadline (NATS unreachable), reconnect timers and sockets would otherwise keep the process alive.
 */
process.exit(await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'audit': AuditModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'audit', ...process.argv.slice(2)], process.env));
