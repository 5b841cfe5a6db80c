export * from "./auth";
export * from "./handleWebhookRequest";
export * from "./logger";
export * from "./settings";
