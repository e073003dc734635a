import { Controller, Inject, Logger, Module } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { RPC, rpcError, type ConfigApplyReply, type ConfigPreviewReply, type HealthReply } from '@jarvis/contracts';
import type { JarvisConfig } from '@jarvis/config';
import { CaddyAdminHealthCheck, CaddyValidator, ConfigEditError, ConfigEditor, ConfigFiles, loadAllowedPaths, maskSecrets, parseConfigEdit, type HealthCheckLookup } from '@jarvis/config-editing';
import { CLOCK, JARVIS_CONFIG, PROCESSOR_HOST, ProcessorHost, ProcessorServiceModule, processorProviders, SERVICE_HEALTH, ServiceHealth, type Clock } from '@jarvis/service-kit';
import { parseApplyRequest } from './apply-request.js';
import { ConfigEditSteps } from './config-edit-steps.js';
import { ddclientEditValidator } from './ddclient-edit-validator.js';
import { ConfigEditorProcessor } from './config-editor.processor.js';
import { KnownGoodKeeper, type WatchedConfig } from './known-good-keeper.js';
import { unfinishedEdits, type EditorState } from './editor-state.js';

export const CONFIG_EDITOR = Symbol('CONFIG_EDITOR');
export const CONFIG_EDIT_STEPS = Symbol('CONFIG_EDIT_STEPS');
/** The health check per edited file (Caddy's admin API and TLS, for a Caddyfile); override this provider to plug them in. */
export const CONFIG_HEALTH_CHECKS = Symbol('CONFIG_HEALTH_CHECKS');

/** Caddy's admin load when configured; other components' checks are plugged in by overriding CONFIG_HEALTH_CHECKS. */
function healthChecksFrom(config: JarvisConfig): HealthCheckLookup {
  const { caddyAdminUrl, checkTimeoutSeconds } = config.configEditor;
  const caddy = caddyAdminUrl ? new CaddyAdminHealthCheck({ adminUrl: caddyAdminUrl, timeoutMs: checkTimeoutSeconds * 1000 }) : undefined;
  return ({ format }) => (format === 'caddyfile' ? caddy : undefined);
}
/** A request waits at most this long for its ActionStarted to reach the editor's state. */
const ACTION_WAIT_MS = 5_000;

@Controller()
export class ConfigEditorController {
  constructor(
    @Inject(SERVICE_HEALTH) private readonly health: ServiceHealth,
    @Inject(PROCESSOR_HOST) private readonly host: ProcessorHost<EditorState>,
    @Inject(CONFIG_EDIT_STEPS) private readonly steps: ConfigEditSteps,
    @Inject(CONFIG_EDITOR) private readonly editor: ConfigEditor,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @MessagePattern(RPC.health('config-editor'))
  healthCheck(): HealthReply {
    this.health.set('unfinishedEdits', unfinishedEdits(this.host.state()).length);
    return this.health.reply();
  }

  /** Applies the edit of a started action once; a repeat answers the recorded outcome. */
  @MessagePattern(RPC.configApply)
  async apply(@Payload() body: unknown): Promise<ConfigApplyReply> {
    const parsed = parseApplyRequest(body);
    if (!parsed.ok) throw new RpcException(rpcError('invalid_request', 'the config apply request is invalid', parsed.problems));
    return this.steps.apply(parsed.request, { state: () => this.host.state(), record: (event) => this.host.record(event), now: this.clock });
  }

  /** The masked diff of an edit and whether it needs approval; writes and records nothing. */
  @MessagePattern(RPC.configPreview)
  async preview(@Payload() body: unknown): Promise<ConfigPreviewReply> {
    const parsed = parseConfigEdit((body as { edit?: unknown } | null)?.edit);
    if (!parsed.ok) throw new RpcException(rpcError('invalid_request', 'the config edit is invalid', parsed.problems.map(({ field, reason }) => ({ field: `edit.${field}`, reason }))));
    try {
      const prepared = await this.editor.prepare(parsed.value);
      return { path: prepared.file.realPath, diff: prepared.maskedDiff, needsApproval: prepared.needsApproval };
    } catch (error) {
      if (!(error instanceof ConfigEditError)) throw error;
      throw new RpcException(rpcError('invalid_request', maskSecrets(error.message, []), [{ field: `edit.${error.field}`, reason: maskSecrets(error.reason, []) }]));
    }
  }
}

/**
 * ddclient.conf is watched for known-good copies when a ddclient with a log is configured: without its log, a passing
 * check says only that the file is valid, not that ddclient published with it.
 */
function watchedConfigs({ ddclient }: JarvisConfig): WatchedConfig[] {
  return ddclient?.log ? [{ target: { kind: 'ddclient', id: ddclient.name }, path: ddclient.config, writtenByRuns: ddclient.log, setting: 'ddclient.config' }] : [];
}

async function configEditorFrom(config: JarvisConfig, healthChecks: HealthCheckLookup): Promise<ConfigEditor> {
  const settings = config.configEditor;
  const files = new ConfigFiles({
    allowed: await loadAllowedPaths(settings.allowedPaths),
    ...(settings.secretsFolder ? { secretsFolder: settings.secretsFolder } : {}),
    ...(settings.backupFolder ? { backupFolder: settings.backupFolder } : {}),
    retention: { keep: settings.backupsKept, maxAgeMs: settings.backupMaxAgeDays * 86_400_000 },
  });
  const caddyValidator = new CaddyValidator({ caddyBinary: settings.caddyBinary, timeoutMs: settings.checkTimeoutSeconds * 1000 });
  return new ConfigEditor({ files, caddyValidator, healthChecks, validators: { ddclient: ddclientEditValidator(config.ddclient?.keyFolders ?? []) } });
}

@Module({
  controllers: [ConfigEditorController],
  providers: [
    { provide: CONFIG_HEALTH_CHECKS, inject: [JARVIS_CONFIG], useFactory: healthChecksFrom },
    { provide: CONFIG_EDITOR, inject: [JARVIS_CONFIG, CONFIG_HEALTH_CHECKS], useFactory: configEditorFrom },
    {
      provide: CONFIG_EDIT_STEPS,
      inject: [CONFIG_EDITOR, JARVIS_CONFIG],
      useFactory: (editor: ConfigEditor, config: JarvisConfig) => new ConfigEditSteps(editor, { applyTimeoutMs: config.configEditor.applyTimeoutSeconds * 1000, actionWaitMs: ACTION_WAIT_MS }),
    },
    ...processorProviders('config-editor', {
      inject: [CONFIG_EDIT_STEPS, CONFIG_EDITOR, JARVIS_CONFIG],
      useFactory: (steps: ConfigEditSteps, editor: ConfigEditor, config: JarvisConfig) => new ConfigEditorProcessor(steps, new KnownGoodKeeper(editor, watchedConfigs(config), (message) => new Logger('config-editor').warn(message))),
    }),
  ],
})
export class ConfigEditorModule extends ProcessorServiceModule {}
