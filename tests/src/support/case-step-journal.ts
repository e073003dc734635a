import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every case step each Jarvis process logged (one line once its append was acknowledged), from every generation of it. */
export function loggedCaseSteps(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => /\.\d+\.log$/.test(f));
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          const parsed = JSON.parse(line) as { context?: string; message?: unknown };
          return parsed.context === 'case' && typeof parsed.message === 'string' ? [parsed.message] : [];
        } catch {
          // The last line of a process killed -9 may be cut short.
          return [];
        }
      }),
  );
}
