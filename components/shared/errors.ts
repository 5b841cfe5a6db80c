/** Someone else saved the record since it was loaded (HTTP 412 on If-Match, or a changed etag). */
export class ConflictError extends Error {
  constructor(readonly table: string) {
    super(`The ${table} record was changed by someone else since it was loaded`);
    this.name = "ConflictError";
  }
}

/**
 * The server refused a request. The message is Dataverse's own (a sync
 * plug-in step's text names what is missing), shown to the user as it is.
 */
export class DataverseError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "DataverseError";
  }
}

/** Whatever a Web API call rejected with, as a DataverseError with the server's message. */
export function asDataverseError(error: unknown): Error {
  if (error instanceof ConflictError || error instanceof DataverseError) return error;
  if (error && typeof error === "object") {
    const { message, errorCode, code, status } = error as { message?: unknown; errorCode?: unknown; code?: unknown; status?: unknown };
    if (typeof message === "string" && message.length > 0) {
      const codeText = typeof code === "string" ? code : typeof errorCode === "number" ? `0x${(errorCode >>> 0).toString(16)}` : undefined;
      return new DataverseError(message, typeof status === "number" ? status : undefined, codeText);
    }
  }
  return new DataverseError(typeof error === "string" && error ? error : "The request failed");
}

/** Dataverse errors arrive as {"error":{"code":"0x…","message":"…"}}; anything else keeps the status text. */
export async function readErrorBody(response: Response): Promise<{ message: string; code?: string }> {
  let message = `The server answered ${response.status}`;
  let code: string | undefined;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.message === "string" && body.error.message) message = body.error.message;
    if (typeof body.error?.code === "string") code = body.error.code;
  } catch {
    // Not Dataverse's JSON error shape: the status text stands.
  }
  return { message, code };
}
