/**
 * The shape of the schema declaration. The declaration in `schema.ts` is the
 * single source of truth: the solution XML, the TypeScript row types and the
 * local Dataverse's SQLite tables are all generated from it.
 */

export type RequiredLevel = "none" | "recommended" | "required";

export interface ChoiceOption<K extends string = string> {
  readonly value: number;
  /** The domain's word for this option (see domain/vocabulary.ts). */
  readonly key: K;
  readonly label: string;
}

export interface ChoiceDeclaration<K extends string = string> {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly options: readonly ChoiceOption<K>[];
}

export type ColumnType =
  | { readonly kind: "string"; readonly maxLength: number; readonly format?: "text" | "email" | "url" | "phone" }
  | { readonly kind: "memo"; readonly maxLength: number }
  | { readonly kind: "integer"; readonly min: number; readonly max: number; readonly defaultValue?: number }
  | { readonly kind: "decimal"; readonly min: number; readonly max: number; readonly precision: number }
  | { readonly kind: "boolean"; readonly trueLabel: string; readonly falseLabel: string; readonly defaultValue: boolean }
  /** Date-only: stored without a time zone ("DateOnly" behaviour). */
  | { readonly kind: "date" }
  /** Date and time, stored in UTC and shown in the user's time zone ("UserLocal"). */
  | { readonly kind: "datetime" }
  | { readonly kind: "choice"; readonly choice: string; readonly defaultValue?: number }
  | { readonly kind: "multichoice"; readonly choice: string }
  | { readonly kind: "lookup"; readonly target: string; readonly relationship: string };

export interface ColumnDeclaration {
  readonly logicalName: string;
  readonly displayName: string;
  readonly description: string;
  readonly type: ColumnType;
  readonly required?: RequiredLevel;
  /** Column-level security (the sensitive-notes field security profile). */
  readonly secured?: boolean;
  /** Written by the webhook service only; read-only on forms. */
  readonly maintainedByServer?: boolean;
}

export interface StatusDeclaration {
  readonly state: 0 | 1;
  readonly stateLabel: string;
  readonly value: number;
  readonly label: string;
}

/** An alternate key: rows are unique on these columns, and the Web API can address or upsert by them. */
export interface KeyDeclaration {
  readonly name: string;
  readonly displayName: string;
  readonly columns: readonly string[];
}

export interface TableDeclaration {
  readonly logicalName: string;
  readonly entitySetName: string;
  readonly displayName: string;
  readonly pluralName: string;
  readonly description: string;
  /** A built-in table the solution only adds columns to (appointment, contact). */
  readonly existing?: { readonly primaryIdAttribute: string; readonly primaryNameAttribute: string };
  readonly ownership?: "user";
  readonly hasActivities?: boolean;
  readonly primaryName?: {
    readonly logicalName: string;
    readonly displayName: string;
    readonly maxLength: number;
    /** Dataverse autonumber format, e.g. "ENG-{SEQNUM:6}". */
    readonly autoNumberFormat?: string;
  };
  readonly statuses?: readonly StatusDeclaration[];
  readonly columns: readonly ColumnDeclaration[];
  readonly keys?: readonly KeyDeclaration[];
}

export interface RelationshipDeclaration {
  readonly name: string;
  readonly referencedTable: string;
  readonly referencingTable: string;
  readonly lookup: string;
  /** Navigation property on the referencing table, used in `@odata.bind`. */
  readonly navigationProperty: string;
  /** Collection-valued navigation property on the referenced table. */
  readonly collectionProperty: string;
  readonly cascade: "parental" | "referential" | "restrict";
}

export interface SchemaDeclaration {
  readonly publisher: {
    readonly uniqueName: string;
    readonly displayName: string;
    readonly prefix: string;
    readonly optionValuePrefix: number;
    /** Shown with the solution in every environment it is imported into. */
    readonly description: string;
    /** Where environment admins find support; written xsi:nil when not set. */
    readonly emailAddress?: string;
    readonly supportingWebsiteUrl?: string;
  };
  readonly solution: { readonly uniqueName: string; readonly displayName: string; readonly version: string };
  readonly choices: readonly ChoiceDeclaration[];
  readonly tables: readonly TableDeclaration[];
  readonly relationships: readonly RelationshipDeclaration[];
}
