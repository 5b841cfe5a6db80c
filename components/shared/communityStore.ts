import type { ConnectionKind, ConnectionStatus, ServiceCategory } from "../../domain";
import type { DataverseGateway, RowData, Versioned } from "./gateway";
import { ConnectionKindValues, ConnectionStatusValues, ServiceCategoryValues, ServiceStatusValues, keyOf, type CommunityServiceRow } from "./rows";

/** Community support's reads and writes for the contact form (issue 15). */

const FORMATTED = "@OData.Community.Display.V1.FormattedValue";

/** A service of the directory as the contact form offers it. */
export interface DirectoryService {
  readonly id: string;
  readonly name: string;
  readonly category?: ServiceCategory;
  readonly area?: string | null;
  readonly description?: string | null;
  readonly provider?: string | null;
  readonly cost?: string | null;
  readonly route?: number | null;
  readonly active: boolean;
}

export interface NewConnection {
  readonly serviceId: string;
  readonly serviceName: string;
  readonly goalId?: string;
  readonly kind: ConnectionKind;
  readonly status: Extract<ConnectionStatus, "suggested" | "referred">;
  /** Today, in the user's calendar. */
  readonly on: string;
}

/** A follow-up's answer: the person went (first attendance), did not go, or declined. */
export interface ConnectionChanges {
  readonly status: ConnectionStatus;
  readonly referredOn?: string;
  readonly attendedOn?: string;
  readonly outcomeOn?: string;
  readonly outcomeReason?: string;
}

const DIRECTORY_COLUMNS = ["sprx_communityserviceid", "sprx_name", "sprx_category", "sprx_area", "sprx_description", "_sprx_providerid_value", "sprx_cost", "sprx_referralroute", "sprx_status"];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function bare(id: string): string {
  const value = id.replace(/[{}]/g, "").toLowerCase();
  if (!GUID.test(value)) throw new RangeError("Not a record id");
  return value;
}

export function directoryService(row: CommunityServiceRow): DirectoryService {
  const values = row as Record<string, unknown>;
  const text = (key: string) => (typeof values[key] === "string" ? (values[key]) : null);
  return {
    id: row.sprx_communityserviceid ?? "",
    name: row.sprx_name ?? "",
    category: keyOf(ServiceCategoryValues, row.sprx_category),
    area: row.sprx_area ?? null,
    description: row.sprx_description ?? null,
    provider: text(`_sprx_providerid_value${FORMATTED}`),
    cost: text(`sprx_cost${FORMATTED}`),
    route: row.sprx_referralroute ?? null,
    active: row.sprx_status !== ServiceStatusValues.paused,
  };
}

export function communityStore(gateway: DataverseGateway) {
  return {
    async loadDirectory(): Promise<DirectoryService[]> {
      const rows = await gateway.retrieveMultiple("communityService", `?$select=${DIRECTORY_COLUMNS.join(",")}&$filter=statecode eq 0&$orderby=sprx_name asc`);
      return (rows as CommunityServiceRow[]).map(directoryService);
    },

    connect(engagementId: string, connection: NewConnection): Promise<string> {
      return gateway.create("connection", {
        sprx_name: connection.serviceName.slice(0, 200),
        "sprx_engagementid@odata.bind": `/sprx_engagements(${bare(engagementId)})`,
        "sprx_serviceid@odata.bind": `/sprx_communityservices(${bare(connection.serviceId)})`,
        ...(connection.goalId ? { "sprx_goalid@odata.bind": `/sprx_goals(${bare(connection.goalId)})` } : {}),
        sprx_kind: ConnectionKindValues[connection.kind],
        sprx_status: ConnectionStatusValues[connection.status],
        sprx_suggestedon: connection.on,
        ...(connection.status === "referred" ? { sprx_referredon: connection.on } : {}),
      });
    },

    updateConnection(connection: Versioned, changes: ConnectionChanges): Promise<void> {
      const data: RowData = { sprx_status: ConnectionStatusValues[changes.status] };
      if (changes.referredOn !== undefined) data.sprx_referredon = changes.referredOn;
      if (changes.attendedOn !== undefined) data.sprx_attendedon = changes.attendedOn;
      if (changes.outcomeOn !== undefined) data.sprx_outcomeon = changes.outcomeOn;
      if (changes.outcomeReason !== undefined) data.sprx_outcomereason = changes.outcomeReason.trim() || null;
      return gateway.update("connection", connection, data);
    },
  };
}

