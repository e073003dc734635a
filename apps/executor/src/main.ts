import { ExecutorModule } from '@jarvis/executor-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The executor service on its own: the same code as `jarvis start --target executor`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'executor': ExecutorModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'executor', ...process.argv.slice(2)], process.env);
