import { runCommandLine } from '@jarvis/service-kit';
import { SERVICE_REGISTRY } from './service-registry.js';

process.exitCode = await runCommandLine(SERVICE_REGISTRY, process.argv.slice(2), process.env);
