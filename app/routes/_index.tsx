// The front door and explore page: search what there is to do, for anyone; a signed-in young person sees only
// what their pass can book. Search is a GET form, so it works without JavaScript and every result page has a link.
import { parseWithZod } from "@conform-to/zod/v4";
import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { passSummary } from "~/domain/booking/queries";
import { recordUnmetDemand, searchActivities } from "~/domain/providers/catalogue";
import { DEMAND_NOTE_MAX, DISTANCE_MILES } from "~/domain/providers/search-choices";
import { demandNoteSchema, searchFiltersSchema, type SearchFilters } from "~/domain/providers/search-filters";
import { getActor, homePathFor, requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import {
  ActivityCard,
  accessibilityFeatures,
  accessibilityLabel,
  categories,
  categoryLabel,
} from "~/ui/activity-card";
import {
  CheckboxField,
  Field,
  replyErrors,
  replyValue,
  SelectField,
  SubmitButton,
  TextareaField,
  useFormReply,
} from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell, YoungShell } from "~/ui/shells";

export const meta: MetaFunction = () => [
  { title: "Playpass – things to do, paid for by your council" },
  {
    name: "description",
    content:
      "Use your Playpass credit for swimming, football, climbing, music, arts and more.",
  },
];

type FilterField = keyof SearchFilters;

/** The form's values; a field that does not make sense is dropped (the rest still search) and named with its error. */
function readFilters(url: URL): {
  filters: SearchFilters;
  errors: Partial<Record<FilterField, string>>;
} {
  const raw: Record<string, unknown> = Object.fromEntries(url.searchParams);
  raw.access = url.searchParams.getAll("access");
  const errors: Partial<Record<FilterField, string>> = {};
  for (let attempt = 0; attempt < 12; attempt++) {
    const parsed = searchFiltersSchema.safeParse(raw);
    if (parsed.success) return { filters: parsed.data, errors };
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as FilterField;
      errors[field] ??= issue.message;
      delete raw[field];
    }
  }
  return { filters: searchFiltersSchema.parse({}), errors };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  const youngPersonId =
    actor?.memberships.find((m) => m.role === "YOUNG_PERSON")?.youngPersonId ??
    null;
  const url = new URL(request.url);
  const { filters, errors } = readFilters(url);
  const db = getDb();
  const [outcome, pass] = await Promise.all([
    searchActivities(db, {
      viewer: youngPersonId ? { youngPersonId } : null,
      filters,
    }),
    youngPersonId ? passSummary(db, youngPersonId) : null,
  ]);
  const values: Record<string, string> = Object.fromEntries(url.searchParams);
  return {
    outcome,
    filters,
    values: values as Partial<
      Record<"q" | "date" | "postcode" | "age" | "page", string>
    > &
      Record<string, string>,
    access: url.searchParams.getAll("access"),
    errors: { ...outcome.fieldErrors, ...errors } as Partial<
      Record<FilterField, string>
    >,
    signedInAsYoungPerson: Boolean(youngPersonId),
    balancePence: pass?.balancePence ?? null,
    home: actor ? homePathFor(actor) : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const submission = parseWithZod(await readForm(request), {
    schema: demandNoteSchema,
  });
  if (submission.status !== "success")
    return data({ result: submission.reply(), thanks: false }, { status: 400 });
  await recordUnmetDemand(getDb(), {
    youngPersonId: youngPerson.id,
    note: submission.value,
  });
  return { result: submission.reply({ resetForm: true }), thanks: true };
}

function pageHref(
  values: Record<string, string>,
  access: string[],
  page: number
) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (key !== "page" && key !== "access" && value !== "")
      params.set(key, value);
  for (const feature of access) params.append("access", feature);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `/?${query}#results` : "/#results";
}

export default function Explore() {
  const {
    outcome,
    filters,
    values,
    access,
    errors,
    signedInAsYoungPerson,
    balancePence,
    home,
  } = useLoaderData<typeof loader>();
  const moreOpen = Boolean(
    filters.date ||
      filters.postcode ||
      filters.miles ||
      filters.free ||
      filters.withinBalance ||
      filters.age ||
      filters.access?.length ||
      errors.postcode ||
      errors.date ||
      errors.age ||
      errors.miles
  );
  const body = (
    <>
      <section className="hero explore-hero">
        <h1>Find something to do</h1>
        <p>
          Swimming, football, climbing, dance, music and more, paid for with
          your Playpass.
        </p>
        {!home ? (
          <Link className="button" to="/login">
            Sign in
          </Link>
        ) : null}
      </section>

      <Form
        method="get"
        className="search"
        role="search"
        aria-label="Activities"
        id="search"
      >
        <div className="search__bar">
          <Field
            label="What do you want to do?"
            className="search__words"
            errors={errors.q ? [errors.q] : undefined}
            inputProps={{
              name: "q",
              type: "search",
              defaultValue: values.q ?? "",
              placeholder: "Try swimming, drums or climbing",
              enterKeyHint: "search",
              maxLength: 100,
            }}
          />
          <button type="submit" className="button search__go">
            Search
          </button>
        </div>
        <nav className="category-chips" aria-label="Categories">
          <ul>
            <li>
              <Link
                to="/#results"
                className="chip"
                aria-current={!filters.category ? "true" : undefined}
              >
                Everything
              </Link>
            </li>
            {categories.map((c) => (
              <li key={c}>
                <Link
                  to={`/?category=${c}#results`}
                  className="chip"
                  aria-current={filters.category === c ? "true" : undefined}
                >
                  {categoryLabel(c)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <details className="search__more" open={moreOpen}>
          <summary>More filters and sort</summary>
          <div className="search__filters">
            <SelectField
              label="Category"
              errors={errors.category ? [errors.category] : undefined}
              selectProps={{
                name: "category",
                defaultValue: filters.category ?? "",
              }}
              placeholder="Any"
              options={categories.map((c) => ({
                value: c,
                label: categoryLabel(c),
              }))}
            />
            <Field
              label="Day"
              hint="Only things on this day"
              errors={errors.date ? [errors.date] : undefined}
              inputProps={{
                name: "date",
                type: "date",
                defaultValue: values.date ?? "",
              }}
            />
            <Field
              label="Near a postcode"
              hint={
                signedInAsYoungPerson
                  ? "Leave empty to use your home area"
                  : "For example NB1 2AA, or just NB1"
              }
              errors={errors.postcode ? [errors.postcode] : undefined}
              inputProps={{
                name: "postcode",
                defaultValue: values.postcode ?? "",
                autoComplete: "postal-code",
                autoCapitalize: "characters",
                maxLength: 10,
                className: "input--short",
              }}
            />
            <SelectField
              label="How far"
              errors={errors.miles ? [errors.miles] : undefined}
              selectProps={{
                name: "miles",
                defaultValue: filters.miles ? String(filters.miles) : "",
              }}
              placeholder="Any distance"
              options={DISTANCE_MILES.map((m) => ({
                value: String(m),
                label: m === 1 ? "Within 1 mile" : `Within ${m} miles`,
              }))}
            />
            {!signedInAsYoungPerson ? (
              <Field
                label="Your age"
                hint="Shows only things for your age"
                errors={errors.age ? [errors.age] : undefined}
                inputProps={{
                  name: "age",
                  type: "number",
                  inputMode: "numeric",
                  min: 5,
                  max: 25,
                  defaultValue: values.age ?? "",
                  className: "input--short",
                }}
              />
            ) : null}
            <fieldset className="fieldset">
              <legend className="field__label">Price</legend>
              <CheckboxField
                label="Free only"
                inputProps={{
                  name: "free",
                  defaultChecked: Boolean(filters.free),
                }}
              />
              {signedInAsYoungPerson ? (
                <CheckboxField
                  label="Only what my balance covers"
                  inputProps={{
                    name: "withinBalance",
                    defaultChecked: Boolean(filters.withinBalance),
                  }}
                />
              ) : null}
            </fieldset>
            <fieldset className="fieldset">
              <legend className="field__label">Access</legend>
              {accessibilityFeatures.map((feature) => (
                <CheckboxField
                  key={feature}
                  label={accessibilityLabel(feature)}
                  inputProps={{
                    name: "access",
                    value: feature,
                    id: `access-${feature}`,
                    defaultChecked: filters.access?.includes(feature),
                  }}
                />
              ))}
            </fieldset>
            <SelectField
              label="Sort by"
              errors={errors.sort ? [errors.sort] : undefined}
              selectProps={{ name: "sort", defaultValue: filters.sort }}
              options={[
                { value: "soonest", label: "Soonest first" },
                { value: "nearest", label: "Nearest first" },
                { value: "cheapest", label: "Cheapest first" },
              ]}
            />
            <button type="submit" className="button button--block">
              Show results
            </button>
          </div>
        </details>
      </Form>

      <section
        aria-labelledby="results-heading"
        id="results"
        className="results"
      >
        <h2 id="results-heading">
          {outcome.searched
            ? `${outcome.totalIsLowerBound ? "More than " : ""}${outcome.total} ${
                outcome.total === 1 && !outcome.totalIsLowerBound ? "thing" : "things"
              } found`
            : "Coming up"}
          {outcome.pageCount > 1 ? (
            <span className="results__page">
              {" "}
              · page {outcome.page}
              {outcome.totalIsLowerBound ? null : ` of ${outcome.pageCount}`}
            </span>
          ) : null}
        </h2>
        {outcome.results.length === 0 ? (
          <NoResults
            searched={outcome.searched}
            query={filters.q}
            category={filters.category}
            canTellUs={signedInAsYoungPerson}
          />
        ) : null}
        <ul className="card-grid">
          {outcome.results.map((activity) => (
            <li key={activity.id}>
              <ActivityCard
                id={activity.id}
                title={activity.title}
                category={activity.category}
                providerName={activity.providerName}
                venueName={activity.venueName}
                pricePence={activity.pricePence}
                nextSlotAt={activity.nextSlotAt}
                placesLeft={activity.placesLeft}
                distanceMiles={activity.distanceMiles}
                ages={
                  signedInAsYoungPerson
                    ? undefined
                    : { min: activity.minAge, max: activity.maxAge }
                }
                href={`/activities/${activity.id}`}
              />
            </li>
          ))}
        </ul>
        {outcome.pageCount > 1 ? (
          <nav className="pager" aria-label="Pages of results">
            {outcome.page > 1 ? (
              <Link
                className="button button--secondary"
                to={pageHref(values, access, outcome.page - 1)}
                rel="prev"
              >
                Previous page
              </Link>
            ) : null}
            {outcome.page < outcome.pageCount ? (
              <Link
                className="button button--secondary"
                to={pageHref(values, access, outcome.page + 1)}
                rel="next"
              >
                Next page
              </Link>
            ) : null}
          </nav>
        ) : null}
      </section>
    </>
  );
  return signedInAsYoungPerson && balancePence !== null ? (
    <YoungShell balancePence={balancePence}>{body}</YoungShell>
  ) : (
    <PublicShell homeHref={home ?? undefined}>{body}</PublicShell>
  );
}

function NoResults({
  searched,
  query,
  category,
  canTellUs,
}: {
  searched: boolean;
  query?: string;
  category?: string;
  canTellUs: boolean;
}) {
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, actionData?.thanks === true);
  if (!searched) return <p>Nothing is on yet. Check back soon.</p>;
  return (
    <div className="no-results">
      <p>Nothing matches that yet. Try fewer filters or other words.</p>
      {actionData?.thanks ? (
        <Notice tone="success" title="Thank you">
          <p>
            We have passed it on to your council. They use what young people ask
            for to decide what to offer.
          </p>
        </Notice>
      ) : canTellUs ? (
        <Form method="post" id="demand" ref={formRef} noValidate className="demand-form">
          <h3>Tell us what you were looking for</h3>
          <p>
            Your council reads these to decide what to add. We do not send your
            name with it.
          </p>
          <TextareaField
            label="What would you like to do?"
            errors={replyErrors(reply, "text")}
            textareaProps={{ id: "demand-text", name: "text", defaultValue: replyValue(reply, "text") ?? query ?? "", rows: 3, maxLength: DEMAND_NOTE_MAX }}
          />
          <input type="hidden" name="searchQuery" value={query ?? ""} />
          {category ? (
            <input type="hidden" name="category" value={category} />
          ) : null}
          <SubmitButton>Send to my council</SubmitButton>
        </Form>
      ) : (
        <p>
          <Link to="/login?redirectTo=%2F">Sign in</Link> to tell your council
          what you were looking for.
        </p>
      )}
    </div>
  );
}
