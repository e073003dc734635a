import { Inject, Injectable, Logger } from '@nestjs/common';
import { newId, RPC, type ApprovalGrantedReply, type ApprovalRejectedReply, type ApprovalsReply, type ApprovalView, type JarvisEvent } from '@jarvis/contracts';
import type { EventLog } from '@jarvis/event-log';
import { CLOCK, EVENT_LOG, type Clock } from '@jarvis/service-kit';
import { ApiError, apiErrorBody } from './api-error.js';
import { DEFAULT_ANSWERED_BY, type ApproveBody, type RejectBody } from './approval-bodies.js';
import { grantFor, rejectionFor, unauthenticatedRefusal } from './approval-answers.js';
import { forwarded } from './rpc-forward.js';
import { ServiceBus } from './service-bus.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Answers approval requests by appending to the log. The policy owns what a request is: the desk asks it for the
 * pending ones and records a person's answer; whether a grant executes is the policy's decision, made once.
 */
@Injectable()
export class ApprovalDesk {
  private readonly logger = new Logger('gateway');

  constructor(
    private readonly bus: ServiceBus,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  pending(): Promise<ApprovalsReply> {
    return forwarded(() => this.bus.request(RPC.policyApprovals, {}));
  }

  async approve(id: string, body: ApproveBody): Promise<ApprovalGrantedReply> {
    const request = await this.pendingRequest(id);
    if (body.digest !== undefined && body.digest !== request.digest) {
      throw new ApiError(
        apiErrorBody(409, `approval request ${id} is about digest ${request.digest}, not the one given: it changed since it was read; nothing granted`, [
          { field: 'digest', reason: "differs from the request's digest" },
        ]),
      );
    }
    const by = body.by ?? DEFAULT_ANSWERED_BY;
    const grant = grantFor(request, by, newId(), this.clock());
    await this.record(grant);
    return { grantId: grant.id, requestId: id, digest: request.digest, by };
  }

  async reject(id: string, body: RejectBody): Promise<ApprovalRejectedReply> {
    const request = await this.pendingRequest(id);
    const by = body.by ?? DEFAULT_ANSWERED_BY;
    const rejection = rejectionFor(request, by, body.reason ?? `rejected by ${by}`, newId(), this.clock());
    await this.record(rejection);
    return { rejectionId: rejection.id, requestId: id, by };
  }

  /**
   * Puts an unauthenticated answer on record when it named a pending request. Best effort: the caller is refused
   * either way, and an id that names nothing pending leaves no trace (no log flooding with made-up ids).
   */
  async refuseUnauthenticated(id: string | undefined, why: string): Promise<void> {
    if (!id || !UUID.test(id)) return;
    try {
      const request = (await this.pending()).approvals.find((approval) => approval.id === id);
      if (request) await this.log.append(unauthenticatedRefusal(request, why, this.clock()));
    } catch (error) {
      this.logger.warn(`could not record the unauthenticated answer to approval ${id}: ${(error as Error).message}`);
    }
  }

  private async pendingRequest(id: string): Promise<ApprovalView> {
    const request = (await this.pending()).approvals.find((approval) => approval.id === id);
    if (!request) throw new ApiError(apiErrorBody(404, `no pending approval request ${id}`, [{ field: 'id', reason: 'names no pending approval request (unknown, answered or expired)' }]));
    return request;
  }

  private async record(event: JarvisEvent): Promise<void> {
    try {
      await this.log.append(event);
    } catch (error) {
      throw new ApiError(apiErrorBody(503, `the event log did not confirm ${event.type} ${event.id} (${(error as Error).message}); list the approvals to see whether it was recorded`));
    }
  }
}
