import { PolicyModule } from '@jarvis/policy-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The policy service on its own: the same code as `jarvis start --target policy`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'policy': PolicyModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'policy', ...process.argv.slice(2)], process.env);
