import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import type { ApprovalGrantedReply, ApprovalRejectedReply, ApprovalsReply } from '@jarvis/contracts';
import { InvalidRequest } from '@jarvis/service-kit';
import { ApproveBody, RejectBody } from './approval-bodies.js';
import { ApprovalDesk } from './approval-desk.js';
import { BearerTokenGuard } from './bearer-token.guard.js';

const APPROVAL_ID = new ParseUUIDPipe({ exceptionFactory: () => new InvalidRequest([{ field: 'id', reason: 'must be a UUID' }]) });

@Controller('api/jarvis/approvals')
export class ApprovalsController {
  constructor(private readonly desk: ApprovalDesk) {}

  @Get()
  list(): Promise<ApprovalsReply> {
    return this.desk.pending();
  }

  /** 202: the grant is recorded; the policy then decides, once, whether it executes. */
  @Post(':id/approve')
  @HttpCode(202)
  @UseGuards(BearerTokenGuard)
  approve(@Param('id', APPROVAL_ID) id: string, @Body() body: ApproveBody): Promise<ApprovalGrantedReply> {
    return this.desk.approve(id, body);
  }

  @Post(':id/reject')
  @HttpCode(202)
  @UseGuards(BearerTokenGuard)
  reject(@Param('id', APPROVAL_ID) id: string, @Body() body: RejectBody): Promise<ApprovalRejectedReply> {
    return this.desk.reject(id, body);
  }
}
