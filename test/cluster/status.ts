// metav1.Status bodies, exactly as the API server writes them.

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code: number;
}

export function failure(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export function detailsFor(group: string, plural: string, name?: string): Record<string, unknown> {
  return { ...(name !== undefined ? { name } : {}), ...(group ? { group } : {}), kind: plural };
}

export const unauthorized = (): StatusBody => failure(401, 'Unauthorized', 'Unauthorized');

export function internalError(cause: string): StatusBody {
  return failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

export class ApiError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message);
  }
}
