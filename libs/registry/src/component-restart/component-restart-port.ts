/**
 * Restarting a component the way it runs: its container through the Docker API, or its systemd unit with
 * `systemctl restart <unit>` run as argv through the command runner (the unit name can never become an option).
 */
export interface ComponentRestartPort {
  restartContainer(name: string, signal: AbortSignal): Promise<void>;
  restartUnit(unit: { systemctl: string; unit: string }, signal: AbortSignal): Promise<void>;
}
