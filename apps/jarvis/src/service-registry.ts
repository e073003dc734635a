import { AuditModule } from '@jarvis/audit-service';
import { ConfigEditorModule } from '@jarvis/config-editor-service';
import { ExecutorModule } from '@jarvis/executor-service';
import { GatewayModule } from '@jarvis/gateway-service';
import { MonitorModule } from '@jarvis/monitor-service';
import { PolicyModule } from '@jarvis/policy-service';
import type { ServiceRegistry } from '@jarvis/service-kit';

/** Every service this binary can run, by the name `--target` takes. */
export const SERVICE_REGISTRY: ServiceRegistry = {
  monitor: MonitorModule,
  policy: PolicyModule,
  executor: ExecutorModule,
  'config-editor': ConfigEditorModule,
  audit: AuditModule,
  gateway: GatewayModule,
};
