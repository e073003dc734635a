import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigApplyReply, JarvisEvent } from '@jarvis/contracts';
import { ConfigEditError, maskSecrets, type ConfigEditor, type PreparedEdit } from '@jarvis/config-editing';
import { missingApproval, untrustedAction } from './apply-guards.js';
import type { CheckedApplyRequest } from './apply-request.js';
import { cut, cutDiff, stepEvent, type EditIdentity } from './edit-events.js';
import type { EditorState, EditRecord } from './editor-state.js';

/** What the steps need of where they run: the processor's state, its append, its clock. */
export type StepContext = { state(): EditorState; record(event: JarvisEvent): Promise<void>; now(): Date };

export type StepSettings = {
  /** Past this, an edit not yet written stops with nothing changed. */
  applyTimeoutMs: number;
  /** How long a request waits for its ActionStarted to reach the editor's state (the log is read asynchronously). */
  actionWaitMs: number;
};

const ACTION_POLL_MS = 50;

/**
 * Carries out one action's edit step by step, recording each step before the next, once per action id: a repeat
 * (or a redelivery) gets the recorded outcome, and an edit left half-done by a crash is finished from the file and
 * its backup. Edits of one action never run concurrently.
 */
export class ConfigEditSteps {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly editor: ConfigEditor,
    private readonly settings: StepSettings,
  ) {}

  apply(request: CheckedApplyRequest, ctx: StepContext): Promise<ConfigApplyReply> {
    return this.exclusive(request.actionId, () => this.applyOnce(request, ctx));
  }

  /** Finishes an edit a previous run left without an outcome (called at start). */
  recover(actionId: string, ctx: StepContext): Promise<void> {
    return this.exclusive(actionId, async () => {
      const edit = ctx.state().edits.get(actionId);
      if (edit && !edit.outcome) await this.finishInterrupted(edit, ctx);
    });
  }

  private async applyOnce(request: CheckedApplyRequest, ctx: StepContext): Promise<ConfigApplyReply> {
    const deadline = ctx.now().getTime() + this.settings.applyTimeoutMs;
    const known = ctx.state().edits.get(request.actionId);
    if (known?.outcome) return replyOf(known);
    if (known) {
      await this.finishInterrupted(known, ctx);
      return replyOf(ctx.state().edits.get(request.actionId) ?? known);
    }
    const untrusted = await this.waitForAction(request, ctx);
    if (untrusted) return { actionId: request.actionId, outcome: 'refused', reason: untrusted, diff: '', needsApproval: false, backupPath: null };
    await this.carryOut(request, deadline, ctx);
    const record = ctx.state().edits.get(request.actionId);
    if (!record) throw new Error(`the outcome of action ${request.actionId} was not recorded`);
    return replyOf(record);
  }

  private async carryOut(request: CheckedApplyRequest, deadline: number, ctx: StepContext): Promise<void> {
    // A refused path may hold control characters: it is recorded escaped, on one line.
    const who: EditIdentity = { actionId: request.actionId, caseId: request.caseId, target: request.target, path: JSON.stringify(request.edit.path).slice(1, -1) };
    let prepared: PreparedEdit;
    try {
      prepared = await this.editor.prepare(request.edit);
    } catch (error) {
      const stage = error instanceof ConfigEditError && error.field === 'path' ? 'path' : 'compute';
      return ctx.record(stepEvent('ConfigEditFailed', who, { stage, reason: cut(maskSecrets(messageOf(error), [])) }, ctx.now()));
    }
    const at = { ...who, path: prepared.file.realPath };
    const unapproved = prepared.needsApproval ? missingApproval(ctx.state(), request) : undefined;
    const approvalId = prepared.needsApproval && !unapproved ? request.approvalId : undefined;
    await ctx.record(stepEvent('ConfigEditProposed', at, { format: request.edit.format, diff: cutDiff(prepared.maskedDiff), needsApproval: prepared.needsApproval, ...(approvalId ? { approvalId } : {}) }, ctx.now()));
    if (unapproved) return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'approval', reason: cut(unapproved) }, ctx.now()));
    const verdict = await this.editor.validate(prepared);
    const validator = this.editor.validatorOf(prepared).name;
    if (!verdict.ok) return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'validation', reason: cut(`${validator}: ${verdict.reason}`) }, ctx.now()));
    await ctx.record(stepEvent('ConfigValidated', at, { validator, evidence: cut(verdict.evidence) }, ctx.now()));
    await this.backUpAndReplace(prepared, at, deadline, ctx);
  }

  private async backUpAndReplace(prepared: PreparedEdit, at: EditIdentity, deadline: number, ctx: StepContext): Promise<void> {
    let backupPath: string;
    try {
      backupPath = await this.editor.backup(prepared, ctx.now());
    } catch (error) {
      return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'backup', reason: cut(prepared.mask(messageOf(error))) }, ctx.now()));
    }
    await ctx.record(stepEvent('ConfigBackedUp', at, { backupPath, afterDigest: prepared.afterDigest }, ctx.now()));
    if (ctx.now().getTime() > deadline) {
      return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'deadline', reason: `the apply deadline of ${this.settings.applyTimeoutMs} ms passed before the file was replaced; it is unchanged` }, ctx.now()));
    }
    try {
      await this.editor.replace(prepared);
    } catch (error) {
      return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'replace', reason: cut(prepared.mask(messageOf(error))) }, ctx.now()));
    }
    await this.checkOrRollBack(at, prepared.edit.format, backupPath, prepared.mask, ctx);
  }

  private async checkOrRollBack(at: EditIdentity, format: PreparedEdit['edit']['format'], backupPath: string, mask: (text: string) => string, ctx: StepContext): Promise<void> {
    const health = await this.editor.checkHealth(at.path, format, mask);
    if (health.ok) return ctx.record(stepEvent('ConfigApplied', at, { backupPath, health: cut(health.evidence) }, ctx.now()));
    try {
      await this.editor.rollback(at.path, backupPath);
    } catch (error) {
      return ctx.record(stepEvent('ConfigEditFailed', at, { stage: 'rollback', reason: cut(mask(`health check failed (${health.reason}) and the rollback failed too: ${messageOf(error)}`)) }, ctx.now()));
    }
    await ctx.record(stepEvent('ConfigRolledBack', at, { backupPath, reason: cut(`health check failed after the change: ${health.reason}`) }, ctx.now()));
  }

  /** An edit recorded up to some step with no outcome: the file and its backup say how far it got. */
  private async finishInterrupted(edit: EditRecord, ctx: StepContext): Promise<void> {
    const at: EditIdentity = { actionId: edit.actionId, caseId: edit.caseId, target: edit.target, path: edit.path };
    const fail = (stage: 'interrupted' | 'conflict', reason: string) => ctx.record(stepEvent('ConfigEditFailed', at, { stage, reason }, ctx.now()));
    if (!edit.backupPath || !edit.afterDigest) return fail('interrupted', 'the editor stopped before backing the file up; it was not changed');
    const found = await this.editor.interruptedState(edit.path, edit.backupPath, edit.afterDigest);
    if (found === 'unchanged') return fail('interrupted', 'the editor stopped before replacing the file; it is unchanged');
    if (found === 'other') return fail('conflict', 'the file holds neither its backup nor this edit (changed by someone else?); left as it is');
    await this.checkOrRollBack(at, edit.format, edit.backupPath, (text) => maskSecrets(text, []), ctx);
  }

  /** The log is read asynchronously: the ActionStarted may reach this state a moment after the request. */
  private async waitForAction(request: CheckedApplyRequest, ctx: StepContext): Promise<string | undefined> {
    const until = Date.now() + this.settings.actionWaitMs;
    let problem = untrustedAction(ctx.state(), request);
    while (problem && !ctx.state().actions.has(request.actionId) && Date.now() < until) {
      await sleep(ACTION_POLL_MS);
      problem = untrustedAction(ctx.state(), request);
    }
    return problem;
  }

  private async exclusive<T>(actionId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.running.get(actionId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.running.set(actionId, settled);
    void settled.then(() => {
      if (this.running.get(actionId) === settled) this.running.delete(actionId);
    });
    return next;
  }
}

function replyOf(edit: EditRecord): ConfigApplyReply {
  const outcome = edit.outcome ?? { outcome: 'failed' as const, reason: 'unfinished' };
  return { actionId: edit.actionId, outcome: outcome.outcome, reason: outcome.reason, diff: edit.diff, needsApproval: edit.needsApproval, backupPath: edit.backupPath ?? null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
