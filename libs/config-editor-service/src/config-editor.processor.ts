import type { JarvisEvent } from '@jarvis/contracts';
import type { EventProcessor } from '@jarvis/event-log';

/**
 * The config editor's subscription. It records which incidents are open so that, when config edits arrive in a
 * later issue, it can tie an edit to the incident it fixes; for now it acts on nothing.
 */
export class ConfigEditorProcessor implements EventProcessor<Set<string>> {
  readonly name = 'jarvis-config-editor';

  initialState(): Set<string> {
    return new Set();
  }

  evolve(open: Set<string>, event: JarvisEvent): Set<string> {
    if (event.type === 'IncidentOpened') open.add(event.correlationId);
    if (event.type === 'IncidentResolved') open.delete(event.correlationId);
    return open;
  }

  handles(): boolean {
    return false;
  }

  concurrencyKey(): string {
    return 'config-editor';
  }

  async handle(): Promise<void> {}
}
