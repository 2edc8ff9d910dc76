/**
 * The channel on which database triggers (migration 0007) announce every committed change that a logged-out
 * reader could see: "post:<id>", "user:<id>" or "all".
 */
export const CHANGE_CHANNEL = 'lyceum_cache';
