/** Error answers in the Messages API's own shape, so every SDK reads them (and knows which not to retry). */
import type { ServerResponse } from 'node:http';

export type ApiErrorType =
  | 'invalid_request_error' | 'authentication_error' | 'billing_error' | 'permission_error' | 'not_found_error'
  | 'request_too_large' | 'rate_limit_error' | 'api_error' | 'overloaded_error';

export function errorBody(type: ApiErrorType, message: string): { type: 'error'; error: { type: ApiErrorType; message: string } } {
  return { type: 'error', error: { type, message } };
}

/** Answers with an API-shaped error; `x-should-retry: false` tells the SDKs that retrying will not help. */
export function sendError(res: ServerResponse, status: number, type: ApiErrorType, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(type, message));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-should-retry': 'false',
  });
  res.end(body);
}
