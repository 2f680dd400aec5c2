// How deprived each ward is, as each council gives it to us: the ward's decile of the English Indices of
// Multiple Deprivation (1 = among the 10% most deprived areas in England, 10 = the 10% least deprived),
// population-weighted from its LSOAs by the council's research team. Held here in code, one small table per
// council slug, because it changes only when the indices are republished (every four or five years).

export type WardDeprivation = Readonly<Record<string, number>>;

export const DEPRIVATION_SOURCE = "English Indices of Multiple Deprivation 2025, ward deciles supplied by the council";

const BY_COUNCIL: Readonly<Record<string, WardDeprivation>> = {
  // Northbridge Council, research and intelligence team, 2025.
  northbridge: {
    Riverside: 1,
    Eastfield: 2,
    Northgate: 3,
    Castle: 5,
    Millbrook: 6,
    "St Anne's": 7,
    Westmoor: 8,
    "Hill Top": 9,
  },
};

/** The council's ward deciles; an empty table when the council has not given us one. */
export function wardDeprivationFor(councilSlug: string): WardDeprivation {
  return BY_COUNCIL[councilSlug] ?? {};
}
