// Pretix planning, without I/O: one Wix definition ⇒ one item whose variations are the price options,
// plus one quota. Decides which variations to create, patch or deactivate, which variations the quota
// covers, and the quota size to push ("capacity below sold is not pushed").
import { isMoney, normalizeDecimal } from './money.js';

export interface PretixRefs {
  quotaId?: number;
  quotaSize?: number | null;
  /** Wix price option ID → Pretix variation ID. */
  variations?: Record<string, number>;
  /** Last pushed variation body per option (to skip unchanged ones); 'inactive' once deactivated. */
  variationHash?: Record<string, string>;
}

export interface OptionIn { optionId: string; name: string; price: unknown }

export interface VariationBody { value: { en: string }; default_price: string | null; active: true; position: number }

export function variationBody(o: OptionIn, i: number): VariationBody {
  return {
    value: { en: o.name },
    default_price: isMoney(o.price) ? normalizeDecimal(o.price.value, o.price.currency) : o.price == null ? null : String(o.price),
    active: true,
    position: i,
  };
}

/** The mapped payload split into the item body, the price options and the wanted quota size. */
export function splitPayload(payload: Record<string, unknown>) {
  const { quota, variations, ...item } = payload;
  const options = Array.isArray(variations) ? (variations as OptionIn[]).filter((o) => o && typeof o.optionId === 'string') : [];
  const size = (quota as { size?: unknown } | undefined)?.size;
  return { item, options, quotaSize: typeof size === 'number' ? size : null };
}

/** The item body of a create: variations go inline with it. */
export function itemCreateBody(item: Record<string, unknown>, options: OptionIn[]) {
  return { ...item, variations: options.map(variationBody), has_variations: options.length > 0 };
}

/** The quota's name: the item's English name, cut to Pretix's 200 characters. */
export function quotaName(item: Record<string, unknown>, definitionId: string): string {
  const name = (item.name as Record<string, string> | undefined)?.en ?? `Wix ${definitionId}`;
  return String(name).slice(0, 200);
}

/** Refs after a create, pairing each option with the variation Pretix created at its position. */
export function refsAfterCreate(options: OptionIn[], created: { id: number }[] | undefined): Pick<PretixRefs, 'variations' | 'variationHash'> {
  const variations: Record<string, number> = {};
  const variationHash: Record<string, string> = {};
  options.forEach((o, i) => {
    const v = created?.[i];
    if (v) { variations[o.optionId] = v.id; variationHash[o.optionId] = JSON.stringify(variationBody(o, i)); }
  });
  return { variations, variationHash };
}

export type VariationStep =
  | { op: 'create'; optionId: string; body: VariationBody; hash: string }
  | { op: 'patch'; optionId: string; variationId: number; body: VariationBody; hash: string }
  /** An option removed in Wix: deactivated, because a variation that was ordered cannot be deleted. */
  | { op: 'deactivate'; optionId: string; variationId: number };

/** What to send to bring the item's variations in line with the options; unchanged ones are skipped. */
export function planVariations(options: OptionIn[], refs: PretixRefs): VariationStep[] {
  const map = refs.variations ?? {};
  const hashes = refs.variationHash ?? {};
  const steps: VariationStep[] = [];
  for (const [i, o] of options.entries()) {
    const body = variationBody(o, i);
    const hash = JSON.stringify(body);
    const variationId = map[o.optionId];
    if (variationId === undefined) steps.push({ op: 'create', optionId: o.optionId, body, hash });
    else if (hashes[o.optionId] !== hash) steps.push({ op: 'patch', optionId: o.optionId, variationId, body, hash });
  }
  for (const [optionId, variationId] of Object.entries(map)) {
    if (options.some((o) => o.optionId === optionId) || hashes[optionId] === 'inactive') continue;
    steps.push({ op: 'deactivate', optionId, variationId });
  }
  return steps;
}

/** Refs after one variation step was sent (`createdId`: the ID Pretix gave a created variation). */
export function refsAfterVariationStep(refs: PretixRefs, step: VariationStep, createdId?: number): PretixRefs {
  const variations = { ...(refs.variations ?? {}) };
  const variationHash = { ...(refs.variationHash ?? {}) };
  if (step.op === 'create' && createdId !== undefined) variations[step.optionId] = createdId;
  variationHash[step.optionId] = step.op === 'deactivate' ? 'inactive' : step.hash;
  return { ...refs, variations, variationHash };
}

/** The variations the quota covers: those of the options Wix still has. */
export function quotaVariations(refs: PretixRefs, options: OptionIn[]): number[] {
  return Object.entries(refs.variations ?? {}).filter(([o]) => options.some((x) => x.optionId === o)).map(([, v]) => v);
}

/** Only a lower, limited size can fall below what was sold, so only then is availability read. */
export function needsSoldCheck(wanted: number | null, pushed: number | null | undefined): wanted is number {
  return wanted !== pushed && wanted !== null && (pushed === null || pushed === undefined || wanted < pushed);
}

/** Capacity below sold is not pushed: the quota keeps its size and the owner is told why. */
export function quotaSizeToPush(wanted: number | null, pushed: number | null | undefined, sold: number | null, quotaId: number): { size: number | null; warning?: string } {
  if (wanted === null || sold === null || wanted >= sold) return { size: wanted };
  return {
    size: pushed ?? null,
    warning: `capacity ${wanted} not pushed: Pretix already sold ${sold} (quota ${quotaId} stays at ${pushed ?? 'unlimited'})`,
  };
}

/** Sold, as Pretix counts it against a quota: paid and pending orders. */
export function soldOf(a: { paid_orders?: number; pending_orders?: number }): number {
  return (a.paid_orders ?? 0) + (a.pending_orders ?? 0);
}
