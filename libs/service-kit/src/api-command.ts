import { ApiUnreachable } from './api-client.js';
import type { Terminal } from './command-table.js';
import { StartupError } from './startup-error.js';

export const DONE = 0;
export const REFUSED = 1;
export const USAGE = 2;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const API_ENVIRONMENT = `Environment:
  JARVIS_API_URL    the gateway (default http://127.0.0.1:$JARVIS_HTTP_PORT, port 8080)
  JARVIS_API_TOKEN  the API token (default: the api-token file in JARVIS_DATA_DIR)
  JARVIS_DATA_DIR   Jarvis's data folder (default ./data)

Exit codes: 0 done; 1 refused by the API or the gateway unreachable (the reason is shown); 2 bad command line or no token.`;

export function refused(terminal: Terminal, command: string, message: string): number {
  terminal.err(`jarvis ${command}: ${message}\n`);
  return REFUSED;
}

/** No token is a setup problem (2); an unreachable gateway is a failed call (1). */
export async function answered(terminal: Terminal, command: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StartupError) {
      terminal.err(`jarvis ${command}: ${error.message}\n`);
      return USAGE;
    }
    if (error instanceof ApiUnreachable) return refused(terminal, command, error.message);
    throw error;
  }
}
