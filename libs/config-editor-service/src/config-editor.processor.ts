import { createEvent, derivedId, targetKey, type JarvisEvent } from '@jarvis/contracts';
import type { EventProcessor, HandlerContext } from '@jarvis/event-log';
import type { ConfigEditSteps } from './config-edit-steps.js';
import type { KnownGoodKeeper } from './known-good-keeper.js';
import { evolveEditorState, initialEditorState, unfinishedEdits, type EditorState } from './editor-state.js';

/**
 * The config editor's subscription: it folds started actions, approvals and its own steps into the state the apply
 * requests are judged and answered from. The one live event it handles is a watched component's CheckConfirmed (a
 * known-good copy of its file); at start it finishes the edits a previous run left without an outcome (a kill -9
 * between steps).
 */
export class ConfigEditorProcessor implements EventProcessor<EditorState> {
  readonly name = 'jarvis-config-editor';
  /** 3: known-good copies are kept per target. */
  readonly stateVersion = 3;

  constructor(
    private readonly steps: ConfigEditSteps,
    /** Without one, no known-good copy is kept (an editor that only applies edits). */
    private readonly knownGood?: KnownGoodKeeper,
  ) {}

  initialState(): EditorState {
    return initialEditorState();
  }

  evolve(state: EditorState, event: JarvisEvent): EditorState {
    return evolveEditorState(state, event);
  }

  handles(event: JarvisEvent): boolean {
    return this.knownGood?.watches(event) ?? false;
  }

  concurrencyKey(event: JarvisEvent): string {
    if (event.type === 'ConfigEditProposed') return event.data.actionId;
    return event.type === 'CheckConfirmed' ? 'known-good' : 'config-editor';
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
    if (this.knownGood?.watches(event)) return this.knownGood.keep(event, ctx.state(), (kept) => ctx.emit(kept), ctx.now());
    if (event.type !== 'ConfigEditProposed') return;
    await this.steps.recover(event.data.actionId, { state: ctx.state, record: (step) => ctx.emit(step), now: ctx.now });
  }
}
