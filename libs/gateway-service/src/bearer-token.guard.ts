import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ApiTokenHash } from '@jarvis/service-kit';
import { ApiError, apiErrorBody } from './api-error.js';
import { ApprovalDesk } from './approval-desk.js';

export const API_TOKEN_HASH = Symbol('API_TOKEN_HASH');

type HttpRequest = { headers: Record<string, string | string[] | undefined>; params?: Record<string, string | undefined> };

/** Why an Authorization header does not authenticate, or null when it does. */
export function bearerProblem(header: string | string[] | undefined, hash: ApiTokenHash): string | null {
  if (header === undefined) return 'no API token';
  const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
  if (!match) return 'the Authorization header is not a bearer token';
  return hash.matches(match[1]!) ? null : 'wrong API token';
}

/**
 * Mutating endpoints need `Authorization: Bearer <token>`. Runs before the body is parsed into its class, so an
 * unauthenticated caller learns nothing about the body's rules either.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    @Inject(API_TOKEN_HASH) private readonly hash: ApiTokenHash,
    private readonly desk: ApprovalDesk,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const problem = bearerProblem(request.headers['authorization'], this.hash);
    if (problem === null) return true;
    await this.desk.refuseUnauthenticated(request.params?.['id'], `${problem}: an answer through the HTTP API without a valid API token`);
    http.getResponse<{ setHeader(name: string, value: string): void }>().setHeader('WWW-Authenticate', 'Bearer realm="jarvis"');
    throw new ApiError(apiErrorBody(401, `${problem}: send Authorization: Bearer <token>, the token being in api-token in the Jarvis data folder`));
  }
}
