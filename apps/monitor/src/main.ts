import { MonitorModule } from '@jarvis/monitor-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/**
 * The monitor service as its own NestJS application: what `jarvis start --target monitor` runs, as the entry point of
 * its container in docker-compose.split.yml. Exit explicitly, as the jarvis binary does: after a stop cut short by
 * its deadline (NATS unreachable), reconnect timers and sockets would otherwise keep the process alive.
 */
process.exit(await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'monitor': MonitorModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'monitor', ...process.argv.slice(2)], process.env));
