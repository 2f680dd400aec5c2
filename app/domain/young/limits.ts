// Limits on what young people write, shared by the domain and the forms (no server imports: the browser loads it).
export const COMMENT_MAX = 500;
export const SUGGESTION_MAX = 500;
/** Suggestions per young person per day: plenty for a person, a limit for a stuck button or a script. */
export const SUGGESTIONS_PER_DAY = 10;
