import { PROCESS_TERMINAL, programFromPackage, runCommandLine } from '@jarvis/service-kit/cli';
import { COMMANDS } from './commands.js';

// Exit explicitly: after a stop cut short by its deadline (NATS unreachable), reconnect timers and sockets would
// otherwise keep the process alive.
process.exit(await runCommandLine(COMMANDS, programFromPackage(new URL('../package.json', import.meta.url)), process.argv.slice(2), process.env, PROCESS_TERMINAL));
