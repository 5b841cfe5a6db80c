/**
 * Control text from the control's resx (`context.resources.getString`), with
 * `{name}` placeholders. Guidance text is not here: it comes from the domain's
 * catalogue so the webhook's emails and the controls say the same thing.
 */
export type Strings = (key: string, values?: Readonly<Record<string, string | number>>) => string;

export function createStrings(resources: Pick<ComponentFramework.Resources, "getString">): Strings {
  return (key, values = {}) => {
    const found = resources.getString(key);
    // The platform answers an unknown key with the key itself (or nothing); show the key rather than a blank.
    const template = found || key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  };
}
