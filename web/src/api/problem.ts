export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  readonly problem: Partial<Problem>;
  constructor(
    readonly status: number,
    problem: Partial<Problem>,
  ) {
    super(problem.detail ?? problem.title ?? `Request failed (${status})`);
    this.problem = problem;
  }
  /** The problem kind, e.g. "mfa-required" from "/problems/mfa-required". */
  get kind(): string {
    return (this.problem.type ?? '').split('/').pop() ?? '';
  }
  /** The message for one field (a JSON pointer such as /body/newPassword), if the server named it. */
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((error) => error.field === field)?.message;
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}
