import { app, type HttpRequest, type HttpResponseInit } from "@azure/functions";
import { handleWebhookRequest, jsonLogger, readSettings, serviceOptions, type WebhookServiceOptions } from "../service";

/**
 * The service as an Azure Function (v4 programming model). authLevel is
 * anonymous because the service checks the key itself, the same way in
 * every host; the route keeps the path Dataverse is registered with.
 */
let options: WebhookServiceOptions | undefined;
function serviceFor(): WebhookServiceOptions {
  options ??= serviceOptions(readSettings(process.env), process.env, jsonLogger());
  return options;
}

export async function dataverseWebhook(request: HttpRequest): Promise<HttpResponseInit> {
  const url = new URL(request.url);
  const query: Record<string, string> = {};
  request.query.forEach((value, key) => {
    query[key] ??= value;
  });
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  const response = await handleWebhookRequest(
    { method: request.method, path: url.pathname, query, headers, body: await request.text() },
    serviceFor(),
  );
  return { status: response.status, body: response.body, headers: { "Content-Type": response.contentType } };
}

app.http("dataverse-webhook", {
  methods: ["POST"],
  authLevel: "anonymous",
  route: "dataverse-webhook",
  handler: dataverseWebhook,
});
