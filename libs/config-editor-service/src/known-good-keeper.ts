import { stat } from 'node:fs/promises';
import { createEvent, derivedId, targetKey, type JarvisEvent, type JarvisEventOf, type TargetRef } from '@jarvis/contracts';
import { ConfigEditError, type ConfigEditor } from '@jarvis/config-editing';
import type { EditorState } from './editor-state.js';

/**
 * A config file whose component's passing check marks it as known good (ddclient.conf for the ddclient target), and
 * the file the component writes when it runs (ddclient's log): a pass is evidence for the config only when that
 * file was written after the config last changed.
 */
export type WatchedConfig = { target: TargetRef; path: string; writtenByRuns: string; /** The jarvis.yaml setting that names `path`. */ setting: string };

type Confirmation = JarvisEventOf<'CheckConfirmed'>;

/**
 * Keeps the last known-good copy of each watched file: when the monitor confirms its component works, the file as it
 * is then is copied (only when it differs from the newest copy) and the copy recorded, once per confirmation.
 */
export class KnownGoodKeeper {
  /** The refusals already logged: one line per file and reason, not one per confirmation. */
  private readonly refusalsLogged = new Set<string>();

  constructor(
    private readonly editor: ConfigEditor,
    private readonly watched: readonly WatchedConfig[],
    private readonly warn: (message: string) => void,
  ) {}

  watches(event: JarvisEvent): event is Confirmation {
    return event.type === 'CheckConfirmed' && this.fileOf(event.data.target) !== undefined;
  }

  /**
   * The copy is made before the event is recorded: a crash in between leaves a copy that the redelivery finds and
   * records. A config changed since the component's last run is not what the pass speaks of: nothing is kept.
   */
  async keep(confirmation: Confirmation, state: EditorState, record: (event: JarvisEvent) => Promise<void>, now: Date): Promise<void> {
    const watched = this.fileOf(confirmation.data.target);
    if (!watched || !(await ranSinceChanged(watched))) return;
    const kept = await this.keepCopy(watched, now);
    if (!kept) return;
    const key = targetKey(watched.target);
    if (!kept.created && state.knownGood.get(key)?.knownGood === kept.name) return;
    await record(
      createEvent({
        id: derivedId('ConfigKnownGoodRecorded', confirmation.id),
        type: 'ConfigKnownGoodRecorded',
        source: 'config-editor',
        time: now.toISOString(),
        subject: key,
        correlationId: confirmation.correlationId,
        causationId: confirmation.id,
        data: { target: watched.target, path: kept.realPath, knownGood: kept.name, maskedDigest: kept.maskedDigest, confirmationId: confirmation.id },
      }),
    );
  }

  /**
   * The copy, or null when the editor refuses the file (outside configEditor.allowedPaths, a symbolic link): that
   * stays so until the operator changes a setting, so it is logged once and the confirmation acknowledged, where a
   * throw would be redelivered until it escalated. A failing read (I/O) is thrown and retried.
   */
  private async keepCopy(watched: WatchedConfig, now: Date): Promise<Awaited<ReturnType<ConfigEditor['keepKnownGood']>> | null> {
    try {
      return await this.editor.keepKnownGood(watched.path, now);
    } catch (error) {
      if (!(error instanceof ConfigEditError)) throw error;
      const refusal = `${watched.path}: ${error.message}`;
      if (!this.refusalsLogged.has(refusal)) {
        this.refusalsLogged.add(refusal);
        this.warn(
          `no known-good copy of ${watched.path} (${watched.setting}) can be kept for ${targetKey(watched.target)}: ${error.message}. ` +
            `Restoring its credentials is not offered until it can; add its folder to configEditor.allowedPaths.`,
        );
      }
      return null;
    }
  }

  private fileOf(target: TargetRef): WatchedConfig | undefined {
    return this.watched.find((w) => targetKey(w.target) === targetKey(target));
  }
}

/** Whether the component wrote its run file after the config's last change (a missing file: no run to speak of). */
async function ranSinceChanged({ path, writtenByRuns }: WatchedConfig): Promise<boolean> {
  const [config, run] = await Promise.all([stat(path, { bigint: true }), stat(writtenByRuns, { bigint: true }).catch(() => undefined)]);
  return run !== undefined && run.mtimeNs > config.mtimeNs;
}
