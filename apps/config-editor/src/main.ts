import { ConfigEditorModule } from '@jarvis/config-editor-service';
import { CommandTable, programFromPackage, runCommandLine, startCommand } from '@jarvis/service-kit';

/** The config-editor service on its own: the same code as `jarvis start --target config-editor`, for one-service containers. */
process.exitCode = await runCommandLine(new CommandTable([startCommand(() => Promise.resolve({ 'config-editor': ConfigEditorModule }))]), programFromPackage(new URL('../package.json', import.meta.url)), ['start', '--target', 'config-editor', ...process.argv.slice(2)], process.env);
