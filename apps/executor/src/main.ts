import { ExecutorModule } from '@jarvis/executor-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The executor service on its own: the same code as `jarvis start --target executor`, for one-service containers. */
process.exitCode = await runCommandLine({ 'executor': ExecutorModule }, ['start', '--target', 'executor', ...process.argv.slice(2)], process.env);
