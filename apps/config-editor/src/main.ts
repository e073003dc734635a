import { ConfigEditorModule } from '@jarvis/config-editor-service';
import { runCommandLine } from '@jarvis/service-kit';

/** The config-editor service on its own: the same code as `jarvis start --target config-editor`, for one-service containers. */
process.exitCode = await runCommandLine({ 'config-editor': ConfigEditorModule }, ['start', '--target', 'config-editor', ...process.argv.slice(2)], process.env);
