import type { AttributeMetadata, EntityMetadata, Metadata } from "./metadata";
import { lookupValueName } from "./metadata";

/**
 * `$metadata`: the CSDL service document for the tables the local Dataverse
 * has, in the shape Dataverse publishes (namespace Microsoft.Dynamics.CRM,
 * alias mscrm, entity types derived from crmbaseentity, lookups as `_x_value`
 * properties with single-valued navigation properties, entity sets in the
 * "System" container).
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents#csdl-metadata-document
 */

const EDM: Record<AttributeMetadata["kind"], string> = {
  uniqueidentifier: "Edm.Guid", string: "Edm.String", memo: "Edm.String", integer: "Edm.Int32", bigint: "Edm.Int64", decimal: "Edm.Decimal",
  boolean: "Edm.Boolean", date: "Edm.Date", datetime: "Edm.DateTimeOffset", picklist: "Edm.Int32", multiselect: "Edm.String",
  lookup: "Edm.Guid", state: "Edm.Int32", status: "Edm.Int32",
};

const xml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");

function entityType(metadata: Metadata, entity: EntityMetadata): string {
  const lines = [`<EntityType Name="${xml(entity.logicalName)}" BaseType="mscrm.crmbaseentity">`, `<Key><PropertyRef Name="${xml(entity.primaryIdAttribute)}" /></Key>`];
  for (const attribute of entity.attributes.values()) {
    const name = attribute.kind === "lookup" ? lookupValueName(attribute.logicalName) : attribute.logicalName;
    const scale = attribute.kind === "decimal" ? ` Scale="Variable"` : "";
    lines.push(`<Property Name="${xml(name)}" Type="${EDM[attribute.kind]}"${scale} />`);
  }
  for (const nav of entity.lookupNavigations.values()) {
    if (!metadata.entity(nav.target)) continue;
    lines.push(`<NavigationProperty Name="${xml(nav.name)}" Type="mscrm.${xml(nav.target)}"><ReferentialConstraint Property="${xml(lookupValueName(nav.lookup))}" ReferencedProperty="${xml(metadata.require(nav.target).primaryIdAttribute)}" /></NavigationProperty>`);
  }
  for (const nav of entity.collectionNavigations.values()) {
    if (!metadata.entity(nav.referencingTable)) continue;
    lines.push(`<NavigationProperty Name="${xml(nav.name)}" Type="Collection(mscrm.${xml(nav.referencingTable)})" />`);
  }
  lines.push("</EntityType>");
  return lines.join("");
}

export function csdl(metadata: Metadata): string {
  const entities = metadata.entities;
  return [
    `<?xml version="1.0" encoding="utf-8"?>`,
    `<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">`,
    `<edmx:DataServices>`,
    `<Schema Namespace="Microsoft.Dynamics.CRM" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    `<EntityType Name="crmbaseentity" Abstract="true" />`,
    ...entities.map((e) => entityType(metadata, e)),
    `<ComplexType Name="WhoAmIResponse"><Property Name="BusinessUnitId" Type="Edm.Guid" Nullable="false" /><Property Name="UserId" Type="Edm.Guid" Nullable="false" /><Property Name="OrganizationId" Type="Edm.Guid" Nullable="false" /></ComplexType>`,
    `<ComplexType Name="RetrieveVersionResponse"><Property Name="Version" Type="Edm.String" Unicode="false" /></ComplexType>`,
    `<Function Name="WhoAmI"><ReturnType Type="mscrm.WhoAmIResponse" Nullable="false" /></Function>`,
    `<Function Name="RetrieveVersion"><ReturnType Type="mscrm.RetrieveVersionResponse" Nullable="false" /></Function>`,
    `<EntityContainer Name="System">`,
    ...entities.map((e) => `<EntitySet Name="${xml(e.entitySetName)}" EntityType="Microsoft.Dynamics.CRM.${xml(e.logicalName)}" />`),
    `<FunctionImport Name="WhoAmI" Function="Microsoft.Dynamics.CRM.WhoAmI" />`,
    `<FunctionImport Name="RetrieveVersion" Function="Microsoft.Dynamics.CRM.RetrieveVersion" />`,
    `</EntityContainer>`,
    `</Schema>`,
    `</edmx:DataServices>`,
    `</edmx:Edmx>`,
  ].join("\n");
}
