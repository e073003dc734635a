import { GatewayModule } from '@jarvis/gateway-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The gateway service on its own: the same code as `jarvis start --target gateway`, for one-service containers. */
process.exitCode = await runCommandLine({ 'gateway': GatewayModule }, ['start', '--target', 'gateway', ...process.argv.slice(2)], process.env);
