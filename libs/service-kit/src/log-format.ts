import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { StartupError } from './startup-error.js';

export type LogFormat = 'text' | 'json';

/** `JARVIS_LOG_FORMAT`: `text` (the default) or `json` (one JSON object per line, for Loki, journald or jq). */
export function logFormatFrom(env: NodeJS.ProcessEnv): LogFormat {
  const value = env['JARVIS_LOG_FORMAT'] ?? '';
  if (value === '' || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new StartupError(`JARVIS_LOG_FORMAT: "${value}" is not a log format (expected text or json)`);
}

/** Colours only for a person at a terminal: a file, a pipe or `docker logs` gets no ANSI escape codes. */
export function consoleLoggerFor(format: LogFormat, levels: LogLevel[], toTerminal: boolean): ConsoleLogger {
  if (format === 'json') return new ConsoleLogger({ json: true, colors: false, logLevels: levels });
  return new ConsoleLogger({ colors: toTerminal, logLevels: levels });
}
