// Young people enrolled in the council: search by name, reference or postcode; filter by ward, needs and
// status; 50 to a page. Links to import, add one, top up a group and print letters for the same filter.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { listYoungPeople, PAGE_SIZE } from "~/domain/programmes";
import { filterFromUrl, NEEDS_LABELS, STATUS_LABELS } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { SelectField } from "~/ui/forms";
import { Money } from "~/ui/money";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Young people – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const url = new URL(request.url);
  const { page = 1, ...filter } = filterFromUrl(url);
  const db = getDb();
  const [council, list, pendingApplications] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listYoungPeople(db, councilId, filter, page),
    db.passApplication.count({ where: { councilId, status: "PENDING" } }),
  ]);
  return { councilName: council.name, filter, page, pageSize: PAGE_SIZE, ...list, pendingApplications };
}

export default function YoungPeople() {
  const { councilName, filter, page, pageSize, total, pages, people, wards, pendingApplications } = useLoaderData<typeof loader>();
  type Row = (typeof people)[number];
  const filterParams = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const pageLink = (n: number) => `?${new URLSearchParams([...filterParams, ["page", String(n)]])}`;
  return (
    <CouncilShell councilName={councilName}>
      <h1>Young people</h1>
      <ul className="action-links">
        <li>
          <Link to="/council/young-people/import">Import from a CSV file</Link>
        </li>
        <li>
          <Link to="/council/young-people/new">Add a young person</Link>
        </li>
        <li>
          <Link to={`/council/young-people/top-up?${filterParams}`}>Top up this group</Link>
        </li>
        <li>
          <Link to={`/council/letters?${filterParams}`}>Letters and invitations</Link>
        </li>
        <li>
          <Link to="/council/jobs">Recent tasks</Link>
        </li>
        <li>
          <Link to="/council/applications">Pass applications{pendingApplications > 0 ? ` (${pendingApplications} waiting)` : ""}</Link>
        </li>
      </ul>

      <Form method="get" className="filters" role="search" aria-label="Find young people">
        <div className="field">
          <label htmlFor="q" className="field__label">
            Name, reference or postcode
          </label>
          <input id="q" name="q" type="search" className="input" defaultValue={filter.q ?? ""} />
        </div>
        <SelectField
          label="Ward"
          selectProps={{ id: "ward", name: "ward", defaultValue: filter.ward ?? "" }}
          placeholder="Any ward"
          options={wards.map((w) => ({ value: w, label: w }))}
        />
        <SelectField
          label="Needs"
          selectProps={{ id: "needs", name: "needs", defaultValue: filter.needs ?? "" }}
          placeholder="Any"
          options={Object.entries(NEEDS_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <SelectField
          label="Status"
          selectProps={{ id: "status", name: "status", defaultValue: filter.status ?? "" }}
          placeholder="Any"
          options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <button type="submit" className="button button--secondary">
          Show
        </button>
      </Form>

      <p>
        {total.toLocaleString("en-GB")} {total === 1 ? "young person" : "young people"}
        {total > pageSize ? `, page ${page} of ${pages}` : ""}.
      </p>
      <DataTable
        caption="Young people"
        captionHidden
        empty="Nobody matches. Try fewer filters."
        rows={people}
        rowKey={(p) => p.id}
        columns={[
          { key: "name", header: "Name", rowHeader: true, cell: (p: Row) => <Link to={`/council/young-people/${p.id}`}>{`${p.firstName} ${p.lastName}`}</Link> },
          { key: "ref", header: "Reference", cell: (p: Row) => p.externalRef ?? "—" },
          { key: "ward", header: "Ward", cell: (p: Row) => p.ward },
          { key: "needs", header: "Needs", cell: (p: Row) => p.needsFlags.map((f) => NEEDS_LABELS[f]).join(", ") || "—" },
          { key: "status", header: "Status", cell: (p: Row) => STATUS_LABELS[p.status] },
          { key: "pass", header: "Pass", cell: (p: Row) => (p.allocationStatus ? p.allocationStatus.charAt(0) + p.allocationStatus.slice(1).toLowerCase() : "None") },
          { key: "balance", header: "Balance", numeric: true, cell: (p: Row) => <Money pence={p.balancePence} /> },
        ]}
      />
      {pages > 1 ? (
        <nav className="pagination" aria-label="Pages">
          {page > 1 ? (
            <Link to={pageLink(page - 1)} rel="prev">
              Previous page
            </Link>
          ) : null}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? (
            <Link to={pageLink(page + 1)} rel="next">
              Next page
            </Link>
          ) : null}
        </nav>
      ) : null}
    </CouncilShell>
  );
}
