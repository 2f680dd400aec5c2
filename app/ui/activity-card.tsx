// The activity card young people browse: a colourful category picture, what, who, when and how much.
import { Link } from "@remix-run/react";
import type { ReactElement } from "react";
import { formatDateTime, isoDateTime } from "./dates";
import { Money } from "./money";

export const categories = [
  "SWIMMING",
  "GYM",
  "FOOTBALL",
  "SPORT",
  "CLIMBING",
  "DANCE",
  "MUSIC",
  "RECORDING_STUDIO",
  "ARTS",
  "DRAMA",
  "OUTDOORS",
] as const;
export type Category = (typeof categories)[number];

const labels: Record<Category, string> = {
  SWIMMING: "Swimming",
  GYM: "Gym",
  FOOTBALL: "Football",
  SPORT: "Sport",
  CLIMBING: "Climbing",
  DANCE: "Dance",
  MUSIC: "Music",
  RECORDING_STUDIO: "Recording studio",
  ARTS: "Arts",
  DRAMA: "Drama",
  OUTDOORS: "Outdoors",
};

function isCategory(value: string): value is Category {
  return (categories as ReadonlyArray<string>).includes(value);
}

/** "Recording studio" for RECORDING_STUDIO; a category added later still reads as words. */
export function categoryLabel(category: string): string {
  if (isCategory(category)) return labels[category];
  const words = category.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const accessibilityFeatures = ["STEP_FREE", "ACCESSIBLE_TOILET", "HEARING_LOOP", "QUIET_SESSIONS", "CHANGING_PLACES", "BSL"] as const;
const accessibilityLabels: Record<(typeof accessibilityFeatures)[number], string> = {
  STEP_FREE: "Step-free access",
  ACCESSIBLE_TOILET: "Accessible toilet",
  HEARING_LOOP: "Hearing loop",
  QUIET_SESSIONS: "Quiet sessions",
  CHANGING_PLACES: "Changing Places toilet",
  BSL: "British Sign Language",
};

export function accessibilityLabel(feature: string): string {
  return (accessibilityLabels as Record<string, string>)[feature] ?? feature.toLowerCase().replace(/_/g, " ");
}

type ActivityCardProps = {
  id: string;
  title: string;
  category: string;
  providerName: string;
  venueName: string;
  pricePence: number;
  /** ISO date-time of the next session, if any. */
  nextSlotAt?: string;
  placesLeft?: number;
  /** Miles from the postcode searched from, or from home. */
  distanceMiles?: number | null;
  /** Shown to people who are not signed in, since nothing is filtered by their age. */
  ages?: { min: number; max: number };
  href: string;
  /** The card title's heading level; 3 suits a list under a page's h2. */
  headingLevel?: 2 | 3 | 4;
};

export function ActivityCard({
  id,
  title,
  category,
  providerName,
  venueName,
  pricePence,
  nextSlotAt,
  placesLeft,
  distanceMiles,
  ages,
  href,
  headingLevel = 3,
}: ActivityCardProps) {
  const Heading = `h${headingLevel}` as const;
  const titleId = `activity-${id}-title`;
  return (
    <article className="card" data-category={isCategory(category) ? category : "OTHER"} aria-labelledby={titleId}>
      <div className="card__art">
        <span className="card__category">{categoryLabel(category)}</span>
        <CategoryGlyph category={category} />
      </div>
      <div className="card__body">
        <Heading id={titleId} className="card__title">
          {/* The link stretches over the whole card (CSS), so the card is one big tap target. */}
          <Link className="card__link" to={href} prefetch="intent">
            {title}
          </Link>
        </Heading>
        <p className="card__meta">
          {providerName} · {venueName}
          {distanceMiles !== undefined && distanceMiles !== null ? <> · {distanceMiles === 1 ? "1 mile" : `${distanceMiles} miles`} away</> : null}
        </p>
        {ages ? (
          <p className="card__meta">
            Ages {ages.min} to {ages.max}
          </p>
        ) : null}
        <p className="card__when">
          {nextSlotAt ? (
            <>
              <span className="visually-hidden">Next session: </span>
              <time dateTime={isoDateTime(nextSlotAt)}>{formatDateTime(nextSlotAt)}</time>
            </>
          ) : (
            "No dates yet"
          )}
        </p>
        <p className="card__footer">
          <span className="card__price">
            <span className="visually-hidden">Price: </span>
            <Money pence={pricePence} freeWhenZero />
          </span>
          {placesLeft !== undefined ? <span className="card__places">{placesText(placesLeft)}</span> : null}
        </p>
      </div>
    </article>
  );
}

// Stated plainly, never as "hurry": no nudges that push children to spend.
function placesText(placesLeft: number): string {
  if (placesLeft <= 0) return "Full: waiting list";
  return placesLeft === 1 ? "1 place left" : `${placesLeft} places left`;
}

/** A small line drawing standing in for a photo; decorative, the label says the category. */
export function CategoryGlyph({ category }: { category: string }) {
  return (
    <svg className="card__glyph" viewBox="0 0 48 48" width="64" height="64" aria-hidden="true" focusable="false">
      {isCategory(category) ? glyphs[category] : fallbackGlyph}
    </svg>
  );
}

const fallbackGlyph = <path d="m24 6 4.5 13.5L42 24l-13.5 4.5L24 42l-4.5-13.5L6 24l13.5-4.5z" />;

const glyphs: Record<Category, ReactElement> = {
  SWIMMING: (
    <>
      <circle cx="32" cy="12" r="4" />
      <path d="m10 24 10-7 8 7" />
      <path d="M4 32c4 0 4-3 8-3s4 3 8 3 4-3 8-3 4 3 8 3 4-3 8-3" />
      <path d="M4 40c4 0 4-3 8-3s4 3 8 3 4-3 8-3 4 3 8 3 4-3 8-3" />
    </>
  ),
  GYM: <path d="M15 24h18M8 17v14M14 12v24M34 12v24M40 17v14" />,
  FOOTBALL: (
    <>
      <circle cx="24" cy="24" r="17" />
      <path d="m24 17 6.7 4.9-2.6 7.9h-8.2l-2.6-7.9z" />
      <path d="M24 17V7M30.7 21.9l9.5-3.1M28.1 29.8l5.9 8M19.9 29.8l-5.9 8M17.3 21.9l-9.5-3.1" />
    </>
  ),
  SPORT: (
    <>
      <path d="M16 8h16v10a8 8 0 0 1-16 0z" />
      <path d="M16 12h-5a6 6 0 0 0 6 8M32 12h5a6 6 0 0 1-6 8M24 26v9M16 40h16" />
    </>
  ),
  CLIMBING: (
    <>
      <path d="M4 40 18 16l8 13 5-7 13 18z" />
      <path d="M18 16V6l7 3-7 3" />
    </>
  ),
  DANCE: (
    <>
      <path d="m22 8 4 12 12 4-12 4-4 12-4-12-12-4 12-4z" />
      <path d="M38 8v6M35 11h6M10 36v4M8 38h4" />
    </>
  ),
  MUSIC: (
    <>
      <path d="M18 34V12l20-4v22M18 18l20-4" />
      <circle cx="13" cy="34" r="5" />
      <circle cx="33" cy="30" r="5" />
    </>
  ),
  RECORDING_STUDIO: (
    <>
      <path d="M24 5a5 5 0 0 1 5 5v12a5 5 0 0 1-10 0V10a5 5 0 0 1 5-5z" />
      <path d="M14 21a10 10 0 0 0 20 0M24 31v9M17 41h14" />
    </>
  ),
  ARTS: (
    <>
      <path d="M24 6C13 6 6 14 6 23s7 17 16 17c3 0 4-2 3-4s0-5 4-5h5c5 0 8-3 8-8 0-9-8-17-18-17z" />
      <circle cx="15" cy="21" r="2" />
      <circle cx="23" cy="14" r="2" />
      <circle cx="32" cy="17" r="2" />
    </>
  ),
  DRAMA: (
    <>
      <path d="M10 8h28v14a14 14 0 0 1-28 0z" />
      <path d="M16 18h5M27 18h5M18 27a7 7 0 0 0 12 0" />
    </>
  ),
  OUTDOORS: (
    <>
      <path d="M24 6 12 22h7l-9 13h28l-9-13h7z" />
      <path d="M24 35v7" />
    </>
  ),
};
