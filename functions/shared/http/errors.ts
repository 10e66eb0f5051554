/** Problems found in the HTTP request itself, before any use case runs. Messages never quote the input. */
export class HttpRequestError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'HttpRequestError';
  }
}
