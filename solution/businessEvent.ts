/**
 * The closure business event: a custom API with no plug-in type that the
 * webhook service raises once per closure, and that flows subscribe to with
 * the Dataverse trigger "When an action is performed". Only asynchronous
 * steps may attach, so a slow or failing subscriber never holds up a closure.
 */

/** customapirequestparameter.type values used here. */
export const CustomApiParameterType = { dateTime: 1, integer: 7, guid: 12 } as const;

export interface CustomApiParameter {
  readonly uniqueName: string;
  readonly displayName: string;
  readonly description: string;
  readonly type: (typeof CustomApiParameterType)[keyof typeof CustomApiParameterType];
  /** Parameters added after the first release are optional, so flows and callers built before them keep working. */
  readonly isOptional?: boolean;
}

export interface CustomApiDeclaration {
  readonly uniqueName: string;
  readonly displayName: string;
  readonly description: string;
  /** 0 none, 1 async only, 2 sync and async. */
  readonly allowedCustomProcessingStepType: 0 | 1 | 2;
  /** 0 global (unbound). */
  readonly bindingType: 0;
  readonly isFunction: false;
  readonly requestParameters: readonly CustomApiParameter[];
}

export const ENGAGEMENT_CLOSED_EVENT: CustomApiDeclaration = {
  uniqueName: "sprx_OnEngagementClosed",
  displayName: "On engagement closed",
  description: "Raised once when an engagement closes, for flows that tell the referrer, send a follow-up survey or report to commissioners.",
  allowedCustomProcessingStepType: 1,
  bindingType: 0,
  isFunction: false,
  requestParameters: [
    { uniqueName: "EngagementId", displayName: "Engagement", description: "Id of the closed engagement.", type: CustomApiParameterType.guid },
    { uniqueName: "ContactId", displayName: "Person", description: "Id of the contact the engagement supported.", type: CustomApiParameterType.guid },
    { uniqueName: "ClosureReason", displayName: "Closure reason", description: "Option value of sprx_closurereason.", type: CustomApiParameterType.integer },
    { uniqueName: "ClosedOn", displayName: "Closed on", description: "When the engagement closed (UTC).", type: CustomApiParameterType.dateTime },
    { uniqueName: "SessionsAttended", displayName: "Sessions attended", description: "Sessions the person attended.", type: CustomApiParameterType.integer },
    { uniqueName: "ConnectionsMade", displayName: "Connections made", description: "Community services the person was put in touch with.", type: CustomApiParameterType.integer, isOptional: true },
    { uniqueName: "ConnectionsAttended", displayName: "Connections attended", description: "Of those, services the person went to at least once.", type: CustomApiParameterType.integer, isOptional: true },
  ],
};

export const CUSTOM_APIS: readonly CustomApiDeclaration[] = [ENGAGEMENT_CLOSED_EVENT];
