// Places: postcode districts and distances.
export * from "./postcodes";
