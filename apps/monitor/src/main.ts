import { MonitorModule } from '@jarvis/monitor-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The monitor service on its own: the same code as `jarvis start --target monitor`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'monitor': MonitorModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'monitor', ...process.argv.slice(2)], process.env);
