import { createEvent, derivedId, targetKey, type JarvisEvent } from '@jarvis/contracts';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import type { ConfigEditSteps } from './config-edit-steps.js';
import { evolveEditorState, initialEditorState, unfinishedEdits, type EditorState } from './editor-state.js';

/**
 * The config editor's subscription: it folds started actions, approvals and its own steps into the state the apply
 * requests are judged and answered from. It handles no live event; at start it finishes the edits a previous run
 * left without an outcome (a kill -9 between steps).
 */
export class ConfigEditorProcessor implements EventProcessor<EditorState> {
  readonly name = 'jarvis-config-editor';
  readonly stateVersion = 2;

  constructor(private readonly steps: ConfigEditSteps) {}

  initialState(): EditorState {
    return initialEditorState();
  }

  evolve(state: EditorState, event: JarvisEvent): EditorState {
    return evolveEditorState(state, event);
  }

  handles(): boolean {
    return false;
  }

  concurrencyKey(event: JarvisEvent): string {
    return event.type === 'ConfigEditProposed' ? event.data.actionId : 'config-editor';
  }

  /** Each unfinished edit, as the proposal that began it (same id: the event the log holds). */
  inFlight(state: EditorState): JarvisEvent[] {
    return unfinishedEdits(state).map((edit) =>
      createEvent({
        id: derivedId('ConfigEditProposed', edit.actionId),
        type: 'ConfigEditProposed',
        source: 'config-editor',
        time: new Date(0).toISOString(),
        subject: targetKey(edit.target),
        correlationId: edit.caseId,
        causationId: edit.actionId,
        data: { target: edit.target, actionId: edit.actionId, path: edit.path, format: edit.format, diff: edit.diff, needsApproval: edit.needsApproval },
      }),
    );
  }

  async handle(event: JarvisEvent, ctx: HandlerContext<EditorState>): Promise<void> {
    if (event.type !== 'ConfigEditProposed') return;
    await this.steps.recover(event.data.actionId, { state: ctx.state, record: (step) => ctx.emit(step), now: ctx.now });
  }
}
