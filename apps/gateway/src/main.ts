import { GatewayModule } from '@jarvis/gateway-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The gateway service on its own: the same code as `jarvis start --target gateway`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'gateway': GatewayModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'gateway', ...process.argv.slice(2)], process.env);
