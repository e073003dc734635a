import { PolicyModule } from '@jarvis/policy-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The policy service on its own: the same code as `jarvis start --target policy`, for one-service containers. */
process.exitCode = await runCommandLine({ 'policy': PolicyModule }, ['start', '--target', 'policy', ...process.argv.slice(2)], process.env);
