import { runCommandLine } from '@jarvis/service-kit';
import { SERVICE_REGISTRY } from './service-registry.js';

// Exit explicitly: after a stop cut short by its deadline (NATS unreachable), reconnect timers and sockets would
// otherwise keep the process alive.
process.exit(await runCommandLine(SERVICE_REGISTRY, process.argv.slice(2), process.env));
