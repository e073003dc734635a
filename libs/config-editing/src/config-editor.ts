import { createHash } from 'node:crypto';
import { computeContent } from './compute-content.js';
import { knownGoodOf, secretFilesOf, type ConfigEdit } from './config-edit.js';
import { ConfigEditError } from './config-edit-error.js';
import { editedContentDigest, type ConfigFile, type ConfigFiles } from './config-files.js';
import { FORMAT_VALIDATORS } from './format-validators.js';
import type { ConfigValidator, HealthCheckLookup, Verdict } from './ports.js';
import { isCredentialChange, maskSecrets, secretValuesIn } from './secret-masking.js';
import { unifiedDiff } from './unified-diff.js';

/** An edit worked out against the file as it is now: what would be written, and what may be shown of it. */
export type PreparedEdit = {
  readonly edit: ConfigEdit;
  readonly file: ConfigFile;
  readonly after: string;
  /** The unified diff with every secret masked: safe for events, replies and approval requests. */
  readonly maskedDiff: string;
  readonly needsApproval: boolean;
  /** editedContentDigest of the old and new content: recorded with the backup, for recovery. */
  readonly afterDigest: string;
  /** Masks a text (a validator's or health check's message) that may quote the file. */
  mask(text: string): string;
};

export type ConfigEditorPorts = {
  readonly files: ConfigFiles;
  /** The validator for Caddyfiles (CaddyValidator on `caddy validate`); other formats use FORMAT_VALIDATORS unless overridden. */
  readonly caddyValidator: ConfigValidator;
  readonly validators?: Partial<Record<Exclude<ConfigEdit['format'], 'caddyfile'>, ConfigValidator>>;
  readonly healthChecks: HealthCheckLookup;
};

/**
 * The steps of one config edit, each on its own so the caller can record a fact between them: prepare (resolve,
 * read, compute, diff, classify), backup, validate, replace, check health, roll back.
 */
export class ConfigEditor {
  constructor(private readonly ports: ConfigEditorPorts) {}

  async prepare(edit: ConfigEdit): Promise<PreparedEdit> {
    const file = await this.ports.files.read(edit.path);
    const secrets = new Map<string, string>();
    for (const name of secretFilesOf(edit)) secrets.set(name, await this.ports.files.readSecret(name));
    const knownGoodName = knownGoodOf(edit);
    const knownGood = knownGoodName === undefined ? undefined : await this.ports.files.readKnownGood(file.realPath, knownGoodName);
    const after = computeContent(edit, file.content, secrets, knownGood);
    if (after === file.content) throw new ConfigEditError('change', 'changes nothing: the file already says this');
    const known = [...secrets.values(), ...secretValuesIn(file.content), ...secretValuesIn(after), ...secretValuesIn(knownGood ?? '')];
    const mask = (text: string) => maskSecrets(text, known);
    const diff = unifiedDiff(file.content, after, file.realPath);
    return {
      edit,
      file,
      after,
      maskedDiff: mask(diff),
      needsApproval: isCredentialChange(edit, diff),
      afterDigest: editedContentDigest(file.content, after),
      mask,
    };
  }

  /**
   * Keeps a known-good copy of a whitelisted file as it is now (its component was just seen working): the copy's
   * name, whether it is new, and the SHA-256 of its content with secrets masked.
   */
  async keepKnownGood(path: string, now: Date): Promise<{ realPath: string; name: string; created: boolean; maskedDigest: string }> {
    const file = await this.ports.files.read(path);
    const kept = await this.ports.files.keepKnownGood(file, now);
    const maskedDigest = createHash('sha256').update(maskSecrets(file.content, secretValuesIn(file.content)), 'utf8').digest('hex');
    return { realPath: file.realPath, ...kept, maskedDigest };
  }

  backup(prepared: PreparedEdit, now: Date): Promise<string> {
    return this.ports.files.backup(prepared.file, now);
  }

  validatorOf(prepared: PreparedEdit): ConfigValidator {
    const format = prepared.edit.format;
    return format === 'caddyfile' ? this.ports.caddyValidator : (this.ports.validators?.[format] ?? FORMAT_VALIDATORS[format]);
  }

  async validate(prepared: PreparedEdit): Promise<Verdict> {
    const verdict = await this.validatorOf(prepared).validate(prepared.after, prepared.file);
    return verdict.ok ? verdict : { ok: false, reason: prepared.mask(verdict.reason) };
  }

  replace(prepared: PreparedEdit): Promise<void> {
    return this.ports.files.replace(prepared.file, prepared.after);
  }

  /** No health check for the file's component counts as healthy: the validation already passed. */
  async checkHealth(realPath: string, format: ConfigEdit['format'], mask: (text: string) => string): Promise<Verdict> {
    const check = this.ports.healthChecks({ realPath, format });
    if (!check) return { ok: true, evidence: 'no health check configured for this file' };
    const verdict = await check.check({ realPath, format }).catch((error: unknown): Verdict => ({ ok: false, reason: `${check.name} failed: ${(error as Error).message}` }));
    return verdict.ok ? { ok: true, evidence: mask(verdict.evidence) } : { ok: false, reason: mask(verdict.reason) };
  }

  /** Puts the backup's content back at the file's real path, keeping mode and owner, whatever inode is there now. */
  async rollback(realPath: string, backupPath: string): Promise<void> {
    const current = await this.ports.files.read(realPath);
    await this.ports.files.replace(current, await this.ports.files.readBackup(backupPath));
  }

  /**
   * How far an interrupted edit got, from the file and its backup alone: still the backup's content, the edit's
   * content (its digest keyed with the backup matches), or something else (someone changed it since).
   */
  async interruptedState(realPath: string, backupPath: string, afterDigest: string): Promise<'unchanged' | 'edited' | 'other'> {
    const [current, backup] = await Promise.all([this.ports.files.currentContent(realPath), this.ports.files.readBackup(backupPath).catch(() => undefined)]);
    if (current === undefined || backup === undefined) return 'other';
    if (current === backup) return 'unchanged';
    return editedContentDigest(backup, current) === afterDigest ? 'edited' : 'other';
  }
}
