// Postcodes to places: the district (outward code) of a postcode, its centre, and the distance between two points.
// Only district centres are ever used, so nobody's precise location is looked up or stored.
import type { DbTx } from "~/lib/db.server";

export type LatLng = { latitude: number; longitude: number };

const OUTWARD = /^[A-Z]{1,2}\d[A-Z\d]?$/;
const FULL = /^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$/;

/** "nb1 2aa", "NB12AA" and "nb1" all give "NB1"; null when it is not a UK postcode or district. */
export function outwardCodeOf(postcode: string): string | null {
  const compact = postcode.trim().toUpperCase().replace(/\s+/g, "");
  const full = FULL.exec(compact);
  if (full) return full[1]!;
  return OUTWARD.test(compact) ? compact : null;
}

/** The centre of the postcode's district, or null when the postcode is not valid or its district is not known. */
export async function districtCentre(db: DbTx, postcode: string): Promise<(LatLng & { outwardCode: string }) | null> {
  const outwardCode = outwardCodeOf(postcode);
  if (!outwardCode) return null;
  return db.postcodeDistrict.findUnique({ where: { outwardCode }, select: { outwardCode: true, latitude: true, longitude: true } });
}

export type DistrictRow = { outwardCode: string; latitude: number; longitude: number };

/** Loads district centres from an open dataset (or the demo's own); loading the same rows again changes nothing. */
export async function loadPostcodeDistricts(db: DbTx, rows: DistrictRow[], source: string): Promise<number> {
  let loaded = 0;
  for (const row of rows) {
    const outwardCode = outwardCodeOf(row.outwardCode);
    if (!outwardCode || !Number.isFinite(row.latitude) || !Number.isFinite(row.longitude)) {
      throw new RangeError(`not a postcode district with a centre: ${JSON.stringify(row)}`);
    }
    await db.postcodeDistrict.upsert({
      where: { outwardCode },
      create: { outwardCode, latitude: row.latitude, longitude: row.longitude, source },
      update: { latitude: row.latitude, longitude: row.longitude, source },
    });
    loaded += 1;
  }
  return loaded;
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine). The same formula runs in SQL for search: see catalogue.ts. */
export function distanceKm(a: LatLng, b: LatLng): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Miles as young people in the UK read distances, to one decimal place. */
export function kmToMiles(km: number): number {
  return Math.round((km / 1.609344) * 10) / 10;
}
