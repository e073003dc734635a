import { ConfigEditorModule } from '@jarvis/config-editor-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/**
 * The config-editor service as its own NestJS application: what `jarvis start --target config-editor` runs, as the entry point of
 * its container in docker-compose.split.yml. Exit explicitly, as the jarvis binary does: after a stop cut short by
 * its deadline (NATS unreachable), reconnect timers and sockets would otherwise keep the process alive.
 */
process.exit(await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'config-editor': ConfigEditorModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'config-editor', ...process.argv.slice(2)], process.env));
