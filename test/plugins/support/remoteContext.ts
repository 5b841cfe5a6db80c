import { randomUUID } from "node:crypto";

/**
 * RemoteExecutionContext bodies in the shape Dataverse posts to a WebHook
 * (Microsoft's "Use WebHooks to create external handlers for server events"):
 * WCF [{key, value}] collections, __type discriminators, "\/Date(ms)\/".
 */

const CONTRACTS = ":http://schemas.microsoft.com/xrm/2011/Contracts";

export const ref = (logicalName: string, id: string) => ({
  __type: `EntityReference${CONTRACTS}`,
  Id: id,
  KeyAttributes: [],
  LogicalName: logicalName,
  Name: null,
  RowVersion: null,
});
export const option = (value: number) => ({ __type: `OptionSetValue${CONTRACTS}`, Value: value });
export const options = (values: number[]) => ({ __type: `OptionSetValueCollection${CONTRACTS}`, Value: values.map(option) });
export const money = (value: number) => ({ __type: `Money${CONTRACTS}`, Value: value });
export const wcfDate = (date: Date | string, offset = "") => `/Date(${new Date(date).getTime()}${offset})/`;

export function entity(logicalName: string, id: string | undefined, attributes: Record<string, unknown>) {
  return {
    __type: `Entity${CONTRACTS}`,
    Attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
    EntityState: null,
    FormattedValues: [],
    Id: id ?? "00000000-0000-0000-0000-000000000000",
    KeyAttributes: [],
    LogicalName: logicalName,
    RelatedEntities: [],
    RowVersion: null,
  };
}

export interface ContextSpec {
  readonly message: "Create" | "Update" | "Delete";
  readonly table: string;
  readonly id: string;
  readonly stage: 10 | 20 | 40;
  readonly mode: 0 | 1;
  readonly depth?: number;
  readonly target?: Record<string, unknown>;
  readonly preImage?: Record<string, unknown>;
  readonly postImage?: Record<string, unknown>;
  readonly stepName?: string;
  readonly operationCreatedOn?: Date;
  readonly correlationId?: string;
  /** Leave out InputParameters and images, as Dataverse does over 256 KB. */
  readonly truncated?: boolean;
}

export function remoteExecutionContext(spec: ContextSpec): Record<string, unknown> {
  const userId = "6a1b2c3d-0000-4000-8000-00000000000a";
  const target = spec.message === "Delete" ? ref(spec.table, spec.id) : entity(spec.table, spec.id, spec.target ?? {});
  const image = (alias: string, attributes?: Record<string, unknown>) => (attributes ? [{ key: alias, value: entity(spec.table, spec.id, attributes) }] : []);
  return {
    BusinessUnitId: "5f4e3d2c-0000-4000-8000-00000000000b",
    CorrelationId: spec.correlationId ?? randomUUID(),
    Depth: spec.depth ?? 1,
    InitiatingUserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    InitiatingUserId: userId,
    InputParameters: spec.truncated ? [] : [{ key: "Target", value: target }],
    IsExecutingOffline: false,
    IsInTransaction: spec.stage === 20 || (spec.stage === 40 && spec.mode === 0),
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: spec.message,
    Mode: spec.mode,
    OperationCreatedOn: wcfDate(spec.operationCreatedOn ?? new Date(), "+0000"),
    OperationId: randomUUID(),
    OrganizationId: "1a2b3c4d-0000-4000-8000-00000000000c",
    OrganizationName: "contoso",
    OutputParameters: spec.message === "Create" && spec.stage === 40 ? [{ key: "id", value: spec.id }] : [],
    OwningExtension: {
      Id: "9e8d7c6b-0000-4000-8000-00000000000d",
      KeyAttributes: [],
      LogicalName: "sdkmessageprocessingstep",
      Name: spec.stepName ?? null,
      RowVersion: null,
    },
    ParentContext: {
      BusinessUnitId: "5f4e3d2c-0000-4000-8000-00000000000b",
      CorrelationId: spec.correlationId ?? randomUUID(),
      Depth: 1,
      InputParameters: [],
      MessageName: spec.message,
      Mode: spec.mode,
      OutputParameters: [],
      PostEntityImages: [],
      PreEntityImages: [],
      PrimaryEntityId: spec.id,
      PrimaryEntityName: spec.table,
      SharedVariables: [],
      Stage: 30,
      UserId: userId,
    },
    PostEntityImages: spec.truncated ? [] : image("PostImage", spec.postImage),
    PreEntityImages: spec.truncated ? [] : image("PreImage", spec.preImage),
    PrimaryEntityId: spec.id,
    PrimaryEntityName: spec.table,
    RequestId: null,
    SecondaryEntityName: "none",
    SharedVariables: [{ key: "IsAutoTransact", value: true }],
    Stage: spec.stage,
    UserAzureActiveDirectoryObjectId: "00000000-0000-0000-0000-000000000000",
    UserId: userId,
  };
}

/** JSON text as Dataverse writes it: WCF dates with escaped slashes. */
export function asDataverseJson(context: unknown): string {
  return JSON.stringify(context).replace(/"\/Date\((-?\d+(?:[+-]\d{4})?)\)\/"/g, '"\\/Date($1)\\/"');
}
