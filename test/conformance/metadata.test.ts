import { XMLParser } from "fast-xml-parser";
import { schema } from "../../solution/schema/schema";
import { StageValues } from "../../solution/generated/dataverse";
import { type Conformance, clientError, startConformance } from "./support/client";

/**
 * Issue 10 item 5: metadata generated from the schema declaration, as code
 * generators and clients read it.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents#csdl-metadata-document
 */

let c: Conformance;
beforeAll(async () => {
  c = await startConformance();
});
afterAll(async () => {
  await c.close();
});

type Label = { UserLocalizedLabel: { Label: string } };
type Option = { Value: number; Label: Label };

describe("$metadata", () => {
  it("is a CSDL document with an entity type and entity set for every table, lookups as _x_value and navigation properties", async () => {
    const text = await c.client.retrieveCsdlMetadata();
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(text) as {
      "edmx:Edmx": { "edmx:DataServices": { Schema: { Namespace: string; EntityType: { Name: string; Property: { Name: string; Type: string }[]; NavigationProperty?: { Name: string }[] }[]; EntityContainer: { EntitySet: { Name: string }[] } } } };
    };
    const root = doc["edmx:Edmx"]["edmx:DataServices"].Schema;
    expect(root.Namespace).toBe("Microsoft.Dynamics.CRM");
    const engagement = root.EntityType.find((t) => t.Name === "sprx_engagement");
    expect(engagement?.Property).toEqual(expect.arrayContaining([{ Name: "_sprx_contactid_value", Type: "Edm.Guid" }, { Name: "sprx_referraldate", Type: "Edm.Date" }, { Name: "sprx_stage", Type: "Edm.Int32" }]));
    expect(engagement?.NavigationProperty?.map((n) => n.Name)).toContain("sprx_contactid");
    for (const table of schema.tables) expect(root.EntityContainer.EntitySet.map((s) => s.Name)).toContain(table.entitySetName);
  });
});

describe("EntityDefinitions", () => {
  it("lists tables with $select and $filter, and finds one by LogicalName with its attributes and relationships", async () => {
    const custom = await c.client.retrieveEntities({ select: ["LogicalName", "EntitySetName"], filter: "IsCustomEntity eq true" });
    expect(custom.value.map((e: { LogicalName: string }) => e.LogicalName).sort()).toEqual(schema.tables.filter((t) => t.logicalName.startsWith("sprx_")).map((t) => t.logicalName).sort());
    const engagement = await c.client.retrieveEntity<{ EntitySetName: string; DisplayName: Label; PrimaryIdAttribute: string; Attributes: { LogicalName: string }[]; OneToManyRelationships: { ReferencingEntity: string }[]; ManyToOneRelationships: { ReferencedEntity: string; ReferencingAttribute: string }[]; ManyToManyRelationships: unknown[] }>({
      key: "LogicalName='sprx_engagement'",
      select: ["LogicalName", "EntitySetName", "DisplayName", "PrimaryIdAttribute"],
      expand: [{ property: "Attributes", select: ["LogicalName"] }, { property: "OneToManyRelationships" }, { property: "ManyToOneRelationships" }, { property: "ManyToManyRelationships" }],
    });
    expect(engagement.EntitySetName).toBe("sprx_engagements");
    expect(engagement.DisplayName.UserLocalizedLabel.Label).toBe(schema.tables.find((t) => t.logicalName === "sprx_engagement")?.displayName);
    expect(engagement.Attributes.map((a) => a.LogicalName)).toEqual(expect.arrayContaining(["sprx_stage", "sprx_contactid", "statecode"]));
    expect(engagement.OneToManyRelationships.map((r) => r.ReferencingEntity)).toEqual(expect.arrayContaining(["sprx_closurecheck", "sprx_goal"]));
    expect(engagement.ManyToOneRelationships).toEqual(expect.arrayContaining([expect.objectContaining({ ReferencedEntity: "contact", ReferencingAttribute: "sprx_contactid" })]));
    expect(engagement.ManyToManyRelationships).toEqual([]);
  });

  it("casts attributes to PicklistAttributeMetadata with the OptionSet labels a client shows", async () => {
    const picklists = await c.client.retrieveAttributes<{ LogicalName: string; OptionSet: { Name: string; IsGlobal: boolean; Options: Option[] } }>({
      entityKey: "LogicalName='sprx_engagement'", castType: "Microsoft.Dynamics.CRM.PicklistAttributeMetadata", select: ["LogicalName"], expand: [{ property: "OptionSet" }],
    });
    const stage = picklists.value.find((a) => a.LogicalName === "sprx_stage");
    expect(stage?.OptionSet.IsGlobal).toBe(true);
    expect(stage?.OptionSet.Options.find((o) => o.Value === StageValues.closed)?.Label.UserLocalizedLabel.Label).toBe("Closed");
    expect(picklists.value.every((a) => a.OptionSet !== undefined)).toBe(true);
    const byType = await c.env.request("GET", "EntityDefinitions(LogicalName='sprx_engagement')/Attributes?$select=LogicalName&$filter=AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'");
    expect((byType.json.value ?? []).map((a) => a.LogicalName).sort()).toEqual(picklists.value.map((a) => a.LogicalName).sort());

    const single = await c.env.request("GET", "EntityDefinitions(LogicalName='sprx_engagement')/Attributes(LogicalName='statuscode')/Microsoft.Dynamics.CRM.StatusAttributeMetadata?$select=LogicalName&$expand=OptionSet");
    expect(single.status).toBe(200);
    expect((single.json.OptionSet as { Options: { Value: number; State: number }[] }).Options).toEqual(expect.arrayContaining([expect.objectContaining({ Value: 2, State: 1 })]));
  });

  it("answers 404 0x80040217 for a table it does not have", async () => {
    const error = await clientError(c.client.retrieveEntity({ key: "LogicalName='opportunity'" }));
    expect(error.status).toBe(404);
    expect(error.code).toBe("0x80040217");
  });
});

describe("GlobalOptionSetDefinitions and RelationshipDefinitions", () => {
  it("returns every global choice of the schema, and one by Name", async () => {
    const all = await c.client.retrieveGlobalOptionSets({ select: ["Name"] });
    expect(all.value.map((o: { Name: string }) => o.Name).sort()).toEqual(schema.choices.map((ch) => ch.name).sort());
    const stage = await c.client.retrieveGlobalOptionSet<{ Options: Option[] }>({ key: "Name='sprx_stage'" });
    expect(stage.Options.map((o) => o.Value)).toEqual(Object.values(StageValues).sort((a, b) => a - b));
  });

  it("returns the schema's relationships by SchemaName", async () => {
    const relationship = schema.relationships[0];
    const found = await c.client.retrieveRelationship<{ ReferencedEntity: string; ReferencingAttribute: string; ReferencedEntityNavigationPropertyName: string }>({ key: `SchemaName='${relationship.name}'` });
    expect(found).toEqual(expect.objectContaining({ ReferencedEntity: relationship.referencedTable, ReferencingAttribute: relationship.lookup, ReferencedEntityNavigationPropertyName: relationship.collectionProperty }));
  });

  it("refuses to change definitions with the local Dataverse's not-supported error", async () => {
    const response = await c.env.request("POST", "EntityDefinitions", { LogicalName: "new_table" });
    expect(response.status).toBe(501);
    expect(response.json.error?.message).toMatch(/^The local Dataverse does not support /);
  });
});
