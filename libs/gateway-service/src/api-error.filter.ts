import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { ApiErrorBody } from '@jarvis/contracts';
import { InvalidRequest } from '@jarvis/service-kit';
import { ApiError, apiErrorBody } from './api-error.js';

type JsonResponse = { status(code: number): { json(body: unknown): void } };

/**
 * Every HTTP error reply, whatever threw it (a route, a pipe, the router for an unknown path, the body parser),
 * leaves in the one `ApiErrorBody` shape. Registered globally because Nest sends unknown routes only through
 * global filters; request/reply over NATS in the same process keeps Nest's own handling.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('gateway');
  private readonly rpcFilter = new BaseRpcExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return this.rpcFilter.catch(exception, host);
    const body = this.bodyOf(exception);
    host.switchToHttp().getResponse<JsonResponse>().status(body.error.status).json(body);
    return undefined;
  }

  private bodyOf(exception: unknown): ApiErrorBody {
    if (exception instanceof ApiError) return exception.body;
    if (exception instanceof InvalidRequest) return apiErrorBody(400, exception.message, exception.fields);
    if (exception instanceof HttpException) return apiErrorBody(exception.getStatus(), exception.message);
    this.logger.error(`unexpected error: ${(exception as Error)?.stack ?? String(exception)}`);
    return apiErrorBody(500, 'internal error; the gateway log has the details');
  }
}
