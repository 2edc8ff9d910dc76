/**
 * The few error kinds the domain throws; one handler in web/errors.tsx turns them into a page or JSON.
 * `fields` maps a form field to its problem so a form can show each message next to its field.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 413 | 422 | 429 | 503,
    message: string,
    readonly fields: Record<string, string> = {},
    /** Sent as Retry-After: when asking again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export class NotFound extends AppError {
  constructor(message = 'We could not find that page.') {
    super(404, message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'You are not allowed to do that.') {
    super(403, message);
  }
}

export class Invalid extends AppError {
  constructor(message: string, fields: Record<string, string> = {}) {
    super(422, message, fields);
  }
}

export class RateLimited extends AppError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(429, message, {}, retryAfterSeconds);
  }
}

/** This process cannot take the work now (e.g. too many texts waiting to be rendered); it can later. */
export class Unavailable extends AppError {
  constructor(message: string, retryAfterSeconds: number) {
    super(503, message, {}, retryAfterSeconds);
  }
}
