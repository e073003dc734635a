import { CommandTable, startCommand } from '@jarvis/service-kit';
import { SERVICE_REGISTRY } from './service-registry.js';

/** Every `jarvis <command>`; a new command is one more entry here. */
export const COMMANDS = new CommandTable([startCommand(SERVICE_REGISTRY)]);
