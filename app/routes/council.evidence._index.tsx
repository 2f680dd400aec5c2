// Evidence dashboard: take-up by ward, age and need (with the deprivation gap), spend, unmet demand, ratings and
// repeat use over a date range. Charts are SVG drawn on the server; every chart has its table and a CSV download.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { DEPRIVATION_SOURCE } from "~/domain/evidence/deprivation";
import { defaultRange, evidenceDashboard, type RatingRow, type RepeatRow, type SearchRow, type SpendRow, type SuggestionRow, type TakeUpRow } from "~/domain/evidence/evidence";
import { rangeSchema } from "~/domain/evidence/range";
import { EVIDENCE_TABLES, type EvidenceTable } from "~/domain/evidence/tables";
import { formatPence } from "~/domain/money";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { BarChart } from "~/ui/charts";
import { formatDate } from "~/ui/dates";
import { DataTable } from "~/ui/data-table";
import { Field, SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Evidence – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const db = getDb();
  const url = new URL(request.url);
  const submission = parseWithZod(url.searchParams, { schema: rangeSchema });
  const defaults = await defaultRange(db, councilId);
  // A bad date shows its error next to the field; the figures fall back to the default range meanwhile.
  const given = submission.status === "success" ? submission.value : {};
  const range = { from: given.from ?? defaults.from, to: given.to ?? defaults.to };
  if (range.from > range.to) range.from = range.to;
  const [council, dashboard] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    evidenceDashboard(db, councilId, range),
  ]);
  return {
    councilName: council.name,
    dashboard,
    query: new URLSearchParams(range).toString(),
    rangeResult: submission.status === "success" ? null : submission.reply(),
  };
}

type Dashboard = Awaited<ReturnType<typeof loader>>["dashboard"];
type WardRow = Dashboard["takeUp"]["byWard"][number];

const percent = (value: number | null) => (value === null ? "No passes" : `${value.toFixed(1)}%`);

export default function CouncilEvidence() {
  const { councilName, dashboard, query, rangeResult } = useLoaderData<typeof loader>();
  const { takeUp, spend, demand, ratings, repeat, range } = dashboard;
  const [form, fields] = useForm({
    id: "range",
    lastResult: rangeResult,
    defaultValue: range,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: rangeSchema }),
    shouldValidate: "onBlur",
  });
  const csv = (table: EvidenceTable) => (
    <a className="download-link" href={`/council/evidence/${table}.csv?${query}`} download>
      Download “{EVIDENCE_TABLES[table]}” as CSV
    </a>
  );
  const gap = takeUp.deprivationGap;
  return (
    <CouncilShell councilName={councilName}>
      <h1>Evidence</h1>
      <p className="lede">
        What young people did with their passes from {formatDate(range.from)} to {formatDate(range.to)}. Figures are counts over the whole council; no young
        person can be picked out.
      </p>
      <Form method="get" {...getFormProps(form)} className="filters" aria-label="Date range">
        <Field label="From" inputProps={{ ...getInputProps(fields.from, { type: "date" }), defaultValue: range.from }} errors={fields.from.errors} />
        <Field label="To" inputProps={{ ...getInputProps(fields.to, { type: "date" }), defaultValue: range.to }} errors={fields.to.errors} />
        <SubmitButton variant="secondary">Show these dates</SubmitButton>
      </Form>

      <h2>Take-up</h2>
      <ul className="headline-figures">
        <li>
          <span className="headline-figures__value">{percent(takeUp.overall.ratePercent)}</span> of young people with a pass used it at least once
        </li>
        <li>
          <span className="headline-figures__value">{takeUp.overall.used.toLocaleString("en-GB")}</span> used it, of {takeUp.overall.issued.toLocaleString("en-GB")} with a pass
        </li>
        <li>
          <span className="headline-figures__value">{gap ? `${gap.gapPoints > 0 ? "+" : ""}${gap.gapPoints.toFixed(1)} points` : "Not known"}</span> gap between the least and most deprived
          wards
        </li>
      </ul>
      <p className="hint">
        Take-up is the share of young people holding a pass issued by {formatDate(range.to)} who used it (a booking at the door or a charge at a till) at least once in
        the range.
      </p>
      {gap ? (
        <Notice tone="info" title="The deprivation gap">
          <p>
            In the most deprived wards (decile {gap.mostDeprived.decile}: {gap.mostDeprived.wards.join(", ")}) {percent(gap.mostDeprived.ratePercent)} used their pass; in the
            least deprived (decile {gap.leastDeprived.decile}: {gap.leastDeprived.wards.join(", ")}) {percent(gap.leastDeprived.ratePercent)}. The gap is{" "}
            {Math.abs(gap.gapPoints).toFixed(1)} percentage points{gap.gapPoints > 0 ? " in favour of the least deprived wards" : gap.gapPoints < 0 ? " in favour of the most deprived wards" : ""}.
          </p>
          <p className="hint">Deprivation: {DEPRIVATION_SOURCE}.</p>
        </Notice>
      ) : (
        <p>The gap between the most and least deprived wards needs ward deprivation deciles from the council and passes in at least two deciles.</p>
      )}

      <Section title="Take-up by ward" chart={<TakeUpChart rows={takeUp.byWard} title="Take-up by ward, most deprived first" />}>
        <DataTable
          caption="Take-up by ward, most deprived first"
          columns={[
            { key: "ward", header: "Ward", cell: (r: WardRow) => r.group, rowHeader: true },
            { key: "decile", header: "Deprivation decile", cell: (r: WardRow) => r.decile ?? "Not given", numeric: true },
            ...takeUpColumns<WardRow>(),
          ]}
          rows={takeUp.byWard}
          rowKey={(r) => r.group}
          empty="No passes issued by the end of the range."
        />
        {csv("take-up-by-ward")}
      </Section>
      <Section title="Take-up by age band" chart={<TakeUpChart rows={takeUp.byAge} title="Take-up by age band" />}>
        <DataTable caption="Take-up by age band (age on the last day of the range)" columns={[{ key: "band", header: "Age band", cell: (r: TakeUpRow) => r.group, rowHeader: true }, ...takeUpColumns<TakeUpRow>()]} rows={takeUp.byAge} rowKey={(r) => r.group} empty="No passes issued by the end of the range." />
        {csv("take-up-by-age")}
      </Section>
      <Section title="Take-up by needs group" chart={<TakeUpChart rows={takeUp.byNeeds} title="Take-up by needs group" />}>
        <DataTable
          caption="Take-up by needs group (a young person with two needs counts in both)"
          columns={[{ key: "needs", header: "Needs group", cell: (r: TakeUpRow) => r.group, rowHeader: true }, ...takeUpColumns<TakeUpRow>()]}
          rows={takeUp.byNeeds}
          rowKey={(r) => r.group}
          empty="No passes issued by the end of the range."
        />
        {csv("take-up-by-needs")}
      </Section>

      <h2>Spend</h2>
      <p>
        <Money pence={spend.totalPence} /> earned by providers in the range, from bookings used at the door and charges at a till.
      </p>
      <Section title="Spend by category" chart={<SpendChart rows={spend.byCategory} title="Spend by category" />}>
        <DataTable caption="Spend by category" columns={spendColumns("Category")} rows={spend.byCategory} rowKey={(r) => r.group} empty="Nothing spent in the range." />
        {csv("spend-by-category")}
      </Section>
      <Section title="Spend by provider" chart={<SpendChart rows={spend.byProvider.slice(0, 15)} title="Spend by provider (top 15)" />}>
        <DataTable caption="Spend by provider" columns={spendColumns("Provider")} rows={spend.byProvider} rowKey={(r) => r.group} empty="Nothing spent in the range." />
        {csv("spend-by-provider")}
      </Section>

      <h2>Unmet demand</h2>
      <p>
        {demand.searches.toLocaleString("en-GB")} searches in the range; {demand.emptySearches.toLocaleString("en-GB")} ({percent(demand.emptyPercent)}) found nothing.
      </p>
      <Section
        title="Searches with no result"
        chart={
          demand.topEmptySearches.length ? (
            <BarChart
              title="Most frequent searches with no result"
              summary={`The most frequent was “${demand.topEmptySearches[0]!.query}”, searched ${demand.topEmptySearches[0]!.searches} times.`}
              bars={demand.topEmptySearches.slice(0, 10).map((s) => ({ label: s.query, value: s.searches }))}
              formatValue={(v) => `${v}`}
            />
          ) : null
        }
      >
        <DataTable
          caption="Most frequent searches with no result"
          columns={[
            { key: "query", header: "Search", cell: (r: SearchRow) => r.query, rowHeader: true },
            { key: "count", header: "Times searched", cell: (r: SearchRow) => r.searches, numeric: true },
            { key: "last", header: "Last searched", cell: (r: SearchRow) => formatDate(r.lastSearched) },
          ]}
          rows={demand.topEmptySearches}
          rowKey={(r) => r.query}
          empty="Every search found something."
        />
        {csv("searches-without-results")}
      </Section>
      <Section title="Suggestions from young people">
        <DataTable
          caption="Suggestions from young people, newest first"
          columns={[
            { key: "text", header: "Suggestion", cell: (r: SuggestionRow) => r.text, rowHeader: true },
            { key: "kind", header: "When", cell: (r: SuggestionRow) => (r.searchQuery ? `${r.kind} (“${r.searchQuery}”)` : r.kind) },
            { key: "category", header: "Category", cell: (r: SuggestionRow) => r.category || "Not given" },
            { key: "date", header: "Date", cell: (r: SuggestionRow) => formatDate(r.createdAt) },
          ]}
          rows={demand.suggestions.slice(0, 20)}
          rowKey={(r) => `${r.createdAt}-${r.text}`}
          empty="No suggestions in the range."
        />
        {demand.suggestions.length > 20 ? <p>The 20 newest are shown; the download has up to 100.</p> : null}
        {csv("suggestions")}
      </Section>

      <h2>Ratings</h2>
      <p>
        {ratings.ratings === 0
          ? "No ratings in the range."
          : `${ratings.ratings.toLocaleString("en-GB")} ratings, ${ratings.averageStars?.toFixed(1)} stars out of 5 on average; ${percent(ratings.wouldGoAgainPercent)} would go again.`}
      </p>
      <Section title="Ratings by activity">
        <DataTable
          caption="Ratings by activity, most rated first"
          columns={[
            { key: "activity", header: "Activity", cell: (r: RatingRow) => r.activity, rowHeader: true },
            { key: "provider", header: "Provider", cell: (r: RatingRow) => r.provider },
            { key: "ratings", header: "Ratings", cell: (r: RatingRow) => r.ratings, numeric: true },
            { key: "stars", header: "Average stars", cell: (r: RatingRow) => r.averageStars.toFixed(1), numeric: true },
            { key: "again", header: "Would go again", cell: (r: RatingRow) => `${r.wouldGoAgainPercent.toFixed(1)}%`, numeric: true },
          ]}
          rows={ratings.byActivity}
          rowKey={(r) => `${r.activity}-${r.provider}`}
          empty="No ratings in the range."
        />
        {csv("ratings")}
      </Section>

      <h2>Repeat use</h2>
      <p>
        {repeat.users === 0
          ? "Nobody used their pass in the range."
          : `${repeat.users.toLocaleString("en-GB")} young people used their pass; ${repeat.repeaters.toLocaleString("en-GB")} (${percent(repeat.repeatPercent)}) used it more than once.`}
      </p>
      <Section
        title="How often young people used their pass"
        chart={
          repeat.users ? (
            <BarChart
              title="Young people by how often they used their pass"
              summary={repeat.byUses.map((u) => `${u.uses}: ${u.youngPeople}`).join("; ")}
              bars={repeat.byUses.map((u) => ({ label: u.uses, value: u.youngPeople }))}
              formatValue={(v) => `${v}`}
            />
          ) : null
        }
      >
        <DataTable
          caption="Young people by how often they used their pass"
          columns={[
            { key: "uses", header: "Used their pass", cell: (r: RepeatRow) => r.uses, rowHeader: true },
            { key: "people", header: "Young people", cell: (r: RepeatRow) => r.youngPeople, numeric: true },
            { key: "share", header: "Share", cell: (r: RepeatRow) => `${r.percent.toFixed(1)}%`, numeric: true },
          ]}
          rows={repeat.byUses}
          rowKey={(r) => r.uses}
        />
        {csv("repeat-use")}
      </Section>
    </CouncilShell>
  );
}

function Section({ title, chart, children }: { title: string; chart?: ReactNode; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {chart}
      {children}
    </section>
  );
}

function takeUpColumns<Row extends TakeUpRow>() {
  return [
    { key: "issued", header: "Passes issued", cell: (r: Row) => r.issued.toLocaleString("en-GB"), numeric: true },
    { key: "used", header: "Used at least once", cell: (r: Row) => r.used.toLocaleString("en-GB"), numeric: true },
    { key: "rate", header: "Take-up", cell: (r: Row) => percent(r.ratePercent), numeric: true },
  ];
}

function spendColumns(first: string) {
  return [
    { key: "group", header: first, cell: (r: SpendRow) => r.group, rowHeader: true },
    { key: "uses", header: "Uses", cell: (r: SpendRow) => r.uses.toLocaleString("en-GB"), numeric: true },
    { key: "spent", header: "Spent", cell: (r: SpendRow) => <Money pence={r.spentPence} />, numeric: true },
  ];
}

function TakeUpChart({ rows, title }: { rows: ReadonlyArray<TakeUpRow>; title: string }) {
  const withPasses = rows.filter((r) => r.ratePercent !== null);
  if (withPasses.length === 0) return null;
  const sorted = [...withPasses].sort((a, b) => b.ratePercent! - a.ratePercent!);
  return (
    <BarChart
      title={title}
      summary={`Highest: ${sorted[0]!.group} at ${percent(sorted[0]!.ratePercent)}. Lowest: ${sorted.at(-1)!.group} at ${percent(sorted.at(-1)!.ratePercent)}.`}
      bars={withPasses.map((r) => ({ label: r.group, value: r.ratePercent! }))}
      formatValue={(v) => `${v.toFixed(1)}%`}
      max={100}
    />
  );
}

function SpendChart({ rows, title }: { rows: ReadonlyArray<SpendRow>; title: string }) {
  if (rows.length === 0) return null;
  return (
    <BarChart
      title={title}
      summary={`The most was ${rows[0]!.group} at ${formatPence(rows[0]!.spentPence)}.`}
      bars={rows.map((r) => ({ label: r.group, value: r.spentPence }))}
      formatValue={(v) => formatPence(v)}
    />
  );
}
