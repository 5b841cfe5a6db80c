/**
 * The sample cloud flow "Notify referrer on closure". It subscribes to the
 * closure business event, reads the engagement, and emails the referrer when
 * the person agreed to share the outcome and the webhook service has not
 * already sent the summary through Microsoft Graph. It ships turned off:
 * its connection references need connections in each environment first.
 */
import { ENGAGEMENT_CLOSED_EVENT } from "./businessEvent";
import { ENGAGEMENTS_CATEGORY, SOLUTION_CATALOG } from "./catalog";

export interface ConnectionReferenceDeclaration {
  readonly logicalName: string;
  readonly displayName: string;
  /** The connector's API name, e.g. shared_office365. */
  readonly apiName: string;
}

export interface CloudFlowDeclaration {
  readonly workflowId: string;
  readonly name: string;
  readonly description: string;
  readonly connectionReferences: readonly ConnectionReferenceDeclaration[];
  /** The Logic Apps workflow definition (clientdata's properties.definition). */
  readonly definition: Readonly<Record<string, unknown>>;
}

const DATAVERSE: ConnectionReferenceDeclaration = {
  logicalName: "sprx_SocialPrescribingDataverse",
  displayName: "Social Prescribing – Microsoft Dataverse",
  apiName: "shared_commondataserviceforapps",
};
const OUTLOOK: ConnectionReferenceDeclaration = {
  logicalName: "sprx_SocialPrescribingOutlook",
  displayName: "Social Prescribing – Office 365 Outlook",
  apiName: "shared_office365",
};

const host = (connection: ConnectionReferenceDeclaration, operationId: string) => ({
  apiId: `/providers/Microsoft.PowerApps/apis/${connection.apiName}`,
  connectionName: connection.apiName,
  operationId,
});

const engagement = (column: string) => `body('Get_the_engagement')?['${column}']`;

export const NOTIFY_REFERRER_FLOW: CloudFlowDeclaration = {
  workflowId: "5369b9cd-933e-49c0-8205-2e138f6243cf",
  name: "Notify referrer on closure",
  description: "Sample: when an engagement closes, email its closure summary to the referrer if the person consented to sharing it.",
  connectionReferences: [DATAVERSE, OUTLOOK],
  definition: {
    $schema: "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
    contentVersion: "1.0.0.0",
    parameters: {
      $connections: { defaultValue: {}, type: "Object" },
      $authentication: { defaultValue: {}, type: "SecureObject" },
    },
    triggers: {
      When_an_engagement_is_closed: {
        type: "OpenApiConnectionWebhook",
        inputs: {
          host: host(DATAVERSE, "BusinessEventsTrigger"),
          // "When an action is performed": the solution's catalog and its Engagements category
          // (unique names), table (none) for an unbound action. The trigger lists only actions a
          // catalog assignment puts in a category:
          // https://learn.microsoft.com/power-automate/dataverse/action-trigger
          parameters: {
            catalog: SOLUTION_CATALOG.uniqueName,
            category: ENGAGEMENTS_CATEGORY.uniqueName,
            "subscriptionRequest/entityname": "none",
            "subscriptionRequest/sdkmessagename": ENGAGEMENT_CLOSED_EVENT.uniqueName,
          },
          authentication: "@parameters('$authentication')",
        },
      },
    },
    actions: {
      Get_the_engagement: {
        runAfter: {},
        type: "OpenApiConnection",
        inputs: {
          host: host(DATAVERSE, "GetItem"),
          parameters: {
            entityName: "sprx_engagements",
            recordId: "@triggerBody()?['InputParameters']?['EngagementId']",
            $select: "sprx_name,sprx_referreremail,sprx_consenttoshare,sprx_closuresummary,sprx_nextsteps,sprx_referrernotifiedon",
          },
          authentication: "@parameters('$authentication')",
        },
      },
      Referrer_may_be_told: {
        runAfter: { Get_the_engagement: ["Succeeded"] },
        type: "If",
        expression: {
          and: [
            { equals: [`@${engagement("sprx_consenttoshare")}`, true] },
            { not: { equals: [`@empty(${engagement("sprx_referreremail")})`, true] } },
            { equals: [`@empty(${engagement("sprx_referrernotifiedon")})`, true] },
          ],
        },
        actions: {
          Email_the_referrer: {
            runAfter: {},
            type: "OpenApiConnection",
            inputs: {
              host: host(OUTLOOK, "SendEmailV2"),
              parameters: {
                "emailMessage/To": `@${engagement("sprx_referreremail")}`,
                "emailMessage/Subject": `Social prescribing engagement @{${engagement("sprx_name")}} has closed`,
                "emailMessage/Body":
                  `<p>The social prescribing engagement @{${engagement("sprx_name")}} you referred has closed.</p>` +
                  `<p><strong>Summary</strong><br>@{${engagement("sprx_closuresummary")}}</p>` +
                  `<p><strong>Next steps</strong><br>@{${engagement("sprx_nextsteps")}}</p>`,
                "emailMessage/Importance": "Normal",
              },
              authentication: "@parameters('$authentication')",
            },
          },
        },
        else: { actions: {} },
      },
    },
    outputs: {},
  },
};

export const CLOUD_FLOWS: readonly CloudFlowDeclaration[] = [NOTIFY_REFERRER_FLOW];

/** The flow's file in the solution, as an export names it: Workflows/<name without spaces>-<ID>.json. */
export function flowFileName(flow: CloudFlowDeclaration): string {
  return `Workflows/${flow.name.replace(/[^A-Za-z0-9]/g, "")}-${flow.workflowId.toUpperCase()}.json`;
}

/** The workflow's clientdata: connection references plus the definition. */
export function flowClientData(flow: CloudFlowDeclaration): string {
  const connectionReferences = Object.fromEntries(
    flow.connectionReferences.map((c) => [c.apiName, { runtimeSource: "embedded", connection: { connectionReferenceLogicalName: c.logicalName }, api: { name: c.apiName } }]),
  );
  return `${JSON.stringify({ properties: { connectionReferences, definition: flow.definition }, schemaVersion: "1.0.0.0" }, null, 2)}\n`;
}
