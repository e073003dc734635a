import { HttpException } from '@nestjs/common';
import type { ApiErrorBody, ApiErrorCode, FieldProblem, RpcError, RpcErrorCode } from '@jarvis/contracts';

const STATUS_OF_RPC_CODE: Record<RpcErrorCode, number> = { invalid_request: 400, not_found: 404, unavailable: 503, internal: 500 };

const CODE_OF_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

export function apiErrorBody(status: number, message: string, fields: FieldProblem[] = [], code: ApiErrorCode = codeOfStatus(status)): ApiErrorBody {
  return { error: { status, code, message, fields } };
}

export function codeOfStatus(status: number): ApiErrorCode {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid_request');
}

/** An error reply of the HTTP API in its one shape; the exception filter writes its body as it is. */
export class ApiError extends HttpException {
  constructor(readonly body: ApiErrorBody) {
    super(body, body.error.status);
  }

  static fromRpc(error: RpcError): ApiError {
    return new ApiError(apiErrorBody(STATUS_OF_RPC_CODE[error.code], error.message, error.fields, error.code));
  }
}
