/**
 * One email the Graph stand-in received, as the outbox shows it: recipients,
 * subject and the message as plain text (the closure summary, the PRSB
 * message back to the referrer), so a reader can see what was said.
 */
interface SendMailRequest {
  readonly body?: { readonly message?: { readonly subject?: unknown; readonly toRecipients?: readonly { readonly emailAddress?: { readonly address?: unknown } }[]; readonly body?: { readonly content?: unknown } } };
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

/** Text of an HTML body: block ends become line breaks, tags go, entities are decoded once. */
export function htmlToText(html: string): string {
  return html
    .replace(/<\/(h\d|li|p|ul|div)>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\n{2,}/g, "\n")
    .trim();
}

export function outboxMail(request: unknown): { to: string; subject: string; text: string } {
  const message = (request as SendMailRequest).body?.message;
  const to = (message?.toRecipients ?? []).map((r) => r.emailAddress?.address).filter((a): a is string => typeof a === "string").join(", ");
  const content = message?.body?.content;
  return { to, subject: typeof message?.subject === "string" ? message.subject : "", text: typeof content === "string" ? htmlToText(content) : "" };
}
