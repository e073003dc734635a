import { createEvent, type ConfigEditSpec, type JarvisEvent, type JarvisEventOf } from '@jarvis/contracts';

/** The config editor's preview of an edit: its masked unified diff (`jarvis.rpc.config-editor.preview`). */
export type PreviewDiff = (edit: ConfigEditSpec) => Promise<string>;

/** The approval request's diff field holds at most this much (the event's limit). */
const MAX_DIFF = 16384;

/**
 * Puts the masked diff of a config edit into the approval request that asks for it, so the person sees exactly
 * what would change before granting. A preview that fails says so in place of the diff; the request is still made,
 * and its digest (over the params, which name the edit) is what a grant runs.
 */
export class ApprovalDiffs {
  constructor(
    private readonly editsConfig: (action: string) => boolean,
    private readonly preview: PreviewDiff,
  ) {}

  async withDiff(event: JarvisEvent): Promise<JarvisEvent> {
    if (event.type !== 'ApprovalRequested' || !this.editsConfig(event.data.action)) return event;
    const diff = await this.preview(event.data.params as ConfigEditSpec).catch((error: unknown) => `(no preview from the config editor: ${(error as Error).message})`);
    return requestWithDiff(event, diff.length <= MAX_DIFF ? diff : `${diff.slice(0, MAX_DIFF - 40)}\n… (the diff is longer)`);
  }
}

function requestWithDiff(request: JarvisEventOf<'ApprovalRequested'>, diff: string): JarvisEventOf<'ApprovalRequested'> {
  const { id, type, source, time, subject, correlationId, causationId, data } = request;
  return createEvent({ id, type, source, time, subject, correlationId, causationId, data: { ...data, diff } });
}
