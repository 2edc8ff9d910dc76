import { z } from 'zod';
import { DELIVERIES, NOTIFICATION_KINDS, type NotificationKind } from './kinds.js';

/** The subscribe / unsubscribe form: which way, and where to come back to. */
export const subscriptionInput = z.object({
  subscribe: z.enum(['0', '1'], { message: 'subscribe must be 1 (subscribe) or 0 (unsubscribe).' }),
  next: z.string().max(2000, 'next is too long.').optional(),
});

const deliveryField = z.enum(DELIVERIES, {
  message: `Choose one of: ${DELIVERIES.join(', ')}.`,
});

/** The settings form: one delivery per kind, every kind present. */
export const settingsInput = z.object(
  Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, deliveryField])) as Record<
    NotificationKind,
    typeof deliveryField
  >,
);
