export * from "./values";
export * from "./stepContext";
