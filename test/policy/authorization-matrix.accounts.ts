/**
 * The authorization matrix's entries for account recovery and mail (issue #17): password reset, the links sent by
 * email, the email settings and unsubscribing (see authorization-matrix.table.ts for the rest and the format).
 * A link's token is the authority: whoever holds it may use it, logged in as anyone or not.
 */
import { issueAccountToken } from '../../src/accounts/tokens.js';
import type { Database } from '../../src/db/database.js';
import { unsubscribeToken } from '../../src/mail/unsubscribe.js';
import { type MatrixRole, type MatrixTable, one, ROLES } from './authorization-matrix.kit.js';

/** Whoever is logged in, banned members too: securing one's account is not writing on the forum. */
const ACCOUNT_OWNERS: readonly MatrixRole[] = ['newMember', 'member', 'banned', 'author', 'moderator', 'admin'];

const tokensOf = (db: Database, userId: string) =>
  one(db, 'SELECT count(*)::int AS n FROM account_tokens WHERE user_id = $1', [userId]);

const freshAddress = () => `moved-${Math.random().toString(36).slice(2, 10)}@example.org`;

export const ACCOUNTS_MATRIX: MatrixTable = {
  'POST /forgot-password': {
    allowed: ROLES,
    async arrange({ db, owner }) {
      return {
        path: '/forgot-password',
        form: { email: owner.email },
        probe: () => tokensOf(db, owner.id),
      };
    },
  },
  'POST /reset-password': {
    allowed: ROLES,
    async arrange({ db, owner }) {
      const { token } = await issueAccountToken(db, {
        userId: owner.id,
        purpose: 'reset-password',
        email: owner.email,
      });
      return {
        path: '/reset-password',
        form: { token, password: 'a brand new passphrase' },
        probe: () => one(db, 'SELECT password_hash FROM users WHERE id = $1', [owner.id]),
      };
    },
  },
  'POST /verify-email': {
    allowed: ROLES,
    async arrange({ db, owner }) {
      const { token } = await issueAccountToken(db, { userId: owner.id, purpose: 'verify-email', email: owner.email });
      return {
        path: '/verify-email',
        form: { token },
        probe: () => one(db, 'SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [owner.id]),
      };
    },
  },
  'POST /confirm-email': {
    allowed: ROLES,
    async arrange({ db, owner }) {
      const email = freshAddress();
      const { token } = await issueAccountToken(db, { userId: owner.id, purpose: 'change-email', email });
      return {
        path: '/confirm-email',
        form: { token },
        probe: () => one(db, 'SELECT email FROM users WHERE id = $1', [owner.id]),
      };
    },
  },
  'POST /settings/email': {
    allowed: ACCOUNT_OWNERS,
    async arrange({ db, actor }) {
      return {
        path: '/settings/email',
        form: { email: freshAddress(), emailPassword: actor?.password ?? 'none' },
        probe: () => tokensOf(db, actor?.id ?? ''),
      };
    },
  },
  'POST /settings/email/verify': {
    allowed: ACCOUNT_OWNERS,
    async arrange({ db, actor }) {
      return { path: '/settings/email/verify', form: {}, probe: () => tokensOf(db, actor?.id ?? '') };
    },
  },
  // The signed link is the authority (a mail client's one-click carries nothing else).
  'POST /unsubscribe': {
    allowed: ROLES,
    async arrange({ db, owner }) {
      const token = await unsubscribeToken(db, { userId: owner.id, topic: 'reply' });
      return {
        path: `/unsubscribe?token=${token}`,
        form: {},
        probe: () => one(db, 'SELECT count(*)::int AS n FROM mail_unsubscribes WHERE user_id = $1', [owner.id]),
      };
    },
  },
};
