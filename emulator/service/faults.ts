/**
 * Errors as Dataverse shapes them: an HTTP status and
 * `{"error":{"code":"0x…","message":"…"}}`. Messages name tables, columns and
 * ids, never the values in a row, so nothing personal reaches a log.
 */
export class DataverseFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "DataverseFault";
  }

  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const faults = {
  recordNotFound: (table: string, id: string) => new DataverseFault(404, "0x80040217", `${table} With Id = ${id} Does Not Exist`),
  unknownEntitySet: (segment: string) => new DataverseFault(404, "0x8006088a", `Resource not found for the segment '${segment}'.`),
  unknownProperty: (property: string, table: string) =>
    new DataverseFault(400, "0x80060888", `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${table}'.`),
  query: (message: string, code = "0x80060888") => new DataverseFault(400, code, message),
  /** The request body cannot be read as the table's entity. */
  payload: (table: string, detail: string) =>
    new DataverseFault(400, "0x80048d19", `Error identified in Payload provided by the user for Entity :'${table}'. ${detail}`),
  invalidArgument: (message: string) => new DataverseFault(400, "0x80040203", message),
  concurrency: () => new DataverseFault(412, "0x80060882", "The version of the existing record doesn't match the RowVersion property provided."),
  duplicate: (table: string) => new DataverseFault(412, "0x80040237", `A record with matching key values already exists on ${table}.`),
  /** A write that would give two rows the same alternate key: "Cannot insert duplicate key" (-2147220937),
   * https://learn.microsoft.com/troubleshoot/power-platform/power-apps/dataverse/client-errors */
  duplicateKey: () => new DataverseFault(412, "0x80040237", "Cannot insert duplicate key: a record with these alternate key values already exists."),
  /**
   * What the local Dataverse does not do: 501 Not Implemented, as OData specifies for "functionality not
   * implemented by the service" (OData 4.0 Part 1: Protocol, 9.3.1 Response Code 501 Not Implemented,
   * https://docs.oasis-open.org/odata/odata/v4.0/os/part1-protocol/odata-v4.0-os-part1-protocol.html).
   * Dataverse itself has no such error; the local one answers 501 with
   * Dataverse's error shape (and the code Dataverse gives an option it does not understand) rather than a
   * silently different result.
   */
  notSupportedLocally: (feature: string) =>
    new DataverseFault(501, "0x80060888", `The local Dataverse does not support ${feature}. Use a real Dataverse environment for this, or see "How faithful it is" in the README.`),
  /** A synchronous plug-in step (here a webhook) refused the operation. */
  pluginFailed: (message: string) => new DataverseFault(400, "0x80040265", message),
  /** Dataverse's loop guard: the pipeline went deeper than it allows. */
  infiniteLoop: (depth: number) =>
    new DataverseFault(400, "0x80044182", `This operation was stopped because it went ${depth} levels deep, past the platform's limit of 8: the plug-in steps call each other in a loop.`),
  methodNotAllowed: (method: string) => new DataverseFault(405, "0x80060888", `The HTTP method '${method}' is not allowed for this resource.`),
  invalidCustomApi: (message: string) => new DataverseFault(400, "0x80040203", message),
};
