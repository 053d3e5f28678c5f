import { Runtime } from '@temporalio/worker';
import { type Log, sdkLogger } from './log';

/*
 * The Temporal SDK's runtime for this process, installed once before the first NativeConnection: its log
 * lines (worker, workflow `log`, activity context, and the native core's warnings) go through our logger,
 * so they carry the same fields and format; and with METRICS_BIND_ADDRESS set the SDK serves its own
 * metrics (temporal_workflow_task_*, temporal_activity_*, temporal_worker_task_slots_* …) in the
 * Prometheus format on that address, path /metrics.
 */

export interface TelemetryOptions {
  log: Log;
  /** host:port of the SDK's Prometheus endpoint; unset = no metrics endpoint. */
  metricsBindAddress?: string;
}

export function installRuntime(options: TelemetryOptions): void {
  Runtime.install({
    logger: sdkLogger(options.log),
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(options.metricsBindAddress
        ? { metrics: { prometheus: { bindAddress: options.metricsBindAddress } } }
        : {}),
    },
  });
}
