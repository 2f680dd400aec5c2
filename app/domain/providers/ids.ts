// Ids from URLs: anything that is not a UUID cannot name a record, so it is "not found" before any query.
import { DomainError } from "../errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** The id, or a NOT_FOUND error worded for the thing it names ("that activity"). */
export function requireUuid(value: unknown, what: string): string {
  if (!isUuid(value)) throw new DomainError("NOT_FOUND", `We could not find ${what}.`);
  return value;
}
