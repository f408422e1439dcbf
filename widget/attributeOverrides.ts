// The owner's wording, read from a custom element's attributes: key → attribute name. Empty or
// missing attributes are left out, so the element's default wording applies to them.
export function attributeOverrides<K extends string>(el: Element, attributes: Record<K, string>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of Object.keys(attributes) as K[]) {
    const value = el.getAttribute(attributes[key])?.trim();
    if (value) out[key] = value;
  }
  return out;
}
