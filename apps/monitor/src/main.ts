import { MonitorModule } from '@jarvis/monitor-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The monitor service on its own: the same code as `jarvis start --target monitor`, for one-service containers. */
process.exitCode = await runCommandLine({ 'monitor': MonitorModule }, ['start', '--target', 'monitor', ...process.argv.slice(2)], process.env);
