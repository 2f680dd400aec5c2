// The choices and limits the search page's forms offer, with no Zod: the explore page's browser code imports these,
// and importing search-filters.ts would send Zod (its schemas run when the module loads) to every young page.
export const SEARCH_SORTS = ["soonest", "nearest", "cheapest"] as const;
export const DISTANCE_MILES = [1, 2, 5, 10, 20] as const;
export const SEARCH_PAGE_SIZE = 20;
export const DEMAND_NOTE_MAX = 500;
