import axe from "axe-core";

/**
 * axe-core's WCAG 2.x A/AA rules on rendered markup. jsdom does no layout, so
 * colour contrast is left to the browser tests; everything structural (names,
 * labels, roles, landmarks, list semantics) is checked here.
 */
export async function axeViolations(root: Element): Promise<string[]> {
  const result = await axe.run(root, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    rules: { "color-contrast": { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
