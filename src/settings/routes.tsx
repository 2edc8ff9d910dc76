import { type Context, Hono } from 'hono';
import { AppError, Forbidden } from '../errors.js';
import { canEditSiteSettings } from '../policy/policy.js';
import type { AppEnv } from '../web/context.js';
import { formStrings } from '../web/forms.js';
import { pageContext } from '../web/page.js';
import { formValuesOf, parseSettingsForm, settingsFormValues } from './form.js';
import { saveSiteSettings } from './service.js';
import { readSettings } from './settings.js';
import { type SettingsFormState, SiteSettingsPage } from './views.js';

/** The admin, or a refusal: logged out → 403 with a login hint; a member or moderator → 403. */
function requireAdmin(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new Forbidden('Log in as an admin to change the site’s settings.');
  if (!canEditSiteSettings(user)) throw new Forbidden('Only admins may change the site’s settings.');
  return user;
}

function show(c: Context<AppEnv>, state: SettingsFormState, status: 200 | 422 = 200) {
  return c.html(<SiteSettingsPage ctx={pageContext(c)} state={state} />, status);
}

export const settingsRoutes = new Hono<AppEnv>()
  .get('/admin/settings', async (c) => {
    requireAdmin(c);
    // Read fresh: the form must show what is stored, not this process's copy.
    const settings = await readSettings(c.get('deps').db);
    const notice = c.req.query('saved') === '1' ? 'Saved.' : undefined;
    return show(c, { values: formValuesOf(settings), errors: {}, notice });
  })
  .post('/admin/settings', async (c) => {
    const admin = requireAdmin(c);
    const values = settingsFormValues(formStrings(await c.req.parseBody()));
    try {
      const changed = await saveSiteSettings(c.get('deps').db, admin, parseSettingsForm(values));
      // This process shows the change at once; others hear of it through the change feed (or their poll).
      if (changed.length > 0) await c.get('deps').settings?.reload();
      return c.redirect('/admin/settings?saved=1', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return show(c, { values, errors: error.fields, message: error.message }, 422);
    }
  });
