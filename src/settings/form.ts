import { z } from 'zod';
import { Invalid } from '../errors.js';
import { type RateLimitTier, SETTINGS, type Settings } from './settings.js';

/** Rows of rate-limit tiers the admin form shows: the stored ones plus this many empty ones to add. */
export const EMPTY_TIER_ROWS = 2;
/** Most tier rows the form takes (SETTINGS.rateLimits allows 10 tiers). */
export const MAX_TIER_ROWS = 10;
export const TIER_FIELDS = ['belowKarma', 'postsPerWeek', 'commentsPerDay'] as const;
export type TierField = (typeof TIER_FIELDS)[number];

/** The form field of one tier cell, e.g. "tiers.0.belowKarma". */
export const tierFieldName = (row: number, field: TierField) => `tiers.${row}.${field}`;

/** What the admin settings form sends, as typed (re-shown as typed after a mistake). */
export interface SettingsFormValues {
  name: string;
  description: string;
  reviewNewMembers: boolean;
  newMemberLinks: string;
  tiers: Record<TierField, string>[];
}

const siteSchema = SETTINGS.site.schema;

function wholeNumber(label: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^[-−]?\d{1,9}$/, `${label} must be a whole number.`)
    .transform((text) => Number(text.replace('−', '-')))
    .pipe(
      z
        .number()
        .min(min, `${label} must be at least ${min.toLocaleString('en')}.`)
        .max(max, `${label} must be at most ${max.toLocaleString('en')}.`),
    );
}

const TIER_LABELS: Record<TierField, [string, number, number]> = {
  belowKarma: ['The karma bound', -1_000_000, 1_000_000],
  postsPerWeek: ['Posts per week', 0, 10_000],
  commentsPerDay: ['Comments per day', 0, 100_000],
};

/** The form's fields as typed: strings only, every tier row the form had (up to MAX_TIER_ROWS). */
export function settingsFormValues(form: Record<string, string>): SettingsFormValues {
  const tiers: Record<TierField, string>[] = [];
  for (let row = 0; row < MAX_TIER_ROWS; row++) {
    const cells = Object.fromEntries(TIER_FIELDS.map((f) => [f, form[tierFieldName(row, f)] ?? ''])) as Record<
      TierField,
      string
    >;
    tiers.push(cells);
  }
  // Trailing rows the form never had are dropped, so the page shows what was sent plus the empty rows.
  while (tiers.length > 0 && TIER_FIELDS.every((f) => tiers.at(-1)![f].trim() === '')) tiers.pop();
  return {
    name: form.name ?? '',
    description: form.description ?? '',
    reviewNewMembers: form.reviewNewMembers === 'on',
    newMemberLinks: form.newMemberLinks ?? '',
    tiers,
  };
}

/** The form's values for stored settings (what the page shows first). */
export function formValuesOf(settings: Settings): SettingsFormValues {
  return {
    name: settings.site.name,
    description: settings.site.description,
    reviewNewMembers: settings.review.newMembers,
    newMemberLinks: settings.rateLimits.newMemberLinks === undefined ? '' : String(settings.rateLimits.newMemberLinks),
    tiers: [...settings.rateLimits.tiers]
      .sort((a, b) => a.belowKarma - b.belowKarma)
      .map((tier) => ({
        belowKarma: String(tier.belowKarma),
        postsPerWeek: String(tier.postsPerWeek),
        commentsPerDay: String(tier.commentsPerDay),
      })),
  };
}

/**
 * Validates the form into settings, or throws Invalid naming each wrong field ("name", "tiers.1.postsPerWeek").
 * A tier row left wholly empty is no tier; a partly filled one must be complete.
 */
export function parseSettingsForm(values: SettingsFormValues): Pick<Settings, 'site' | 'review' | 'rateLimits'> {
  const fields: Record<string, string> = {};
  const site = siteSchema.safeParse({ name: values.name.trim(), description: values.description.trim() });
  if (!site.success) {
    for (const issue of site.error.issues) {
      const name = String(issue.path[0]);
      fields[name] ??=
        name === 'name'
          ? issue.code === 'too_small'
            ? 'Give the site a name.'
            : 'The name must be at most 80 characters.'
          : 'The description must be at most 300 characters.';
    }
  }
  let newMemberLinks: number | undefined;
  if (values.newMemberLinks.trim() !== '') {
    const parsed = wholeNumber('Links per text', 0, 1000).safeParse(values.newMemberLinks);
    if (parsed.success) newMemberLinks = parsed.data;
    else fields.newMemberLinks = parsed.error.issues[0]!.message;
  }
  const tiers: RateLimitTier[] = [];
  const bounds = new Map<number, number>();
  values.tiers.forEach((row, index) => {
    if (TIER_FIELDS.every((f) => row[f].trim() === '')) return;
    const tier: Partial<RateLimitTier> = {};
    for (const field of TIER_FIELDS) {
      const [label, min, max] = TIER_LABELS[field];
      const parsed = wholeNumber(label, min, max).safeParse(row[field]);
      if (parsed.success) tier[field] = parsed.data;
      else
        fields[tierFieldName(index, field)] =
          row[field].trim() === '' ? `${label} is missing.` : parsed.error.issues[0]!.message;
    }
    if (tier.belowKarma !== undefined) {
      if (bounds.has(tier.belowKarma)) {
        fields[tierFieldName(index, 'belowKarma')] = `Row ${bounds.get(tier.belowKarma)! + 1} has the same bound.`;
      } else bounds.set(tier.belowKarma, index);
    }
    if (TIER_FIELDS.every((f) => tier[f] !== undefined)) tiers.push(tier as RateLimitTier);
  });
  if (Object.keys(fields).length > 0) throw new Invalid('Please correct the marked fields; nothing was saved.', fields);
  return {
    site: site.data!,
    review: { newMembers: values.reviewNewMembers },
    rateLimits: {
      tiers: tiers.sort((a, b) => a.belowKarma - b.belowKarma),
      ...(newMemberLinks === undefined ? {} : { newMemberLinks }),
    },
  };
}
