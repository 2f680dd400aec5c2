// Getting passes to young people who have not activated yet: a printable PDF of activation letters (for
// those without a phone or email, or any group), and invitations by email or SMS for those with one.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { countYoungPeople, MAX_LETTERS, sendInvitations } from "~/domain/programmes";
import { filterFromUrl, NEEDS_LABELS } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/lib/queues.server";
import { SummaryList } from "~/ui/data-table";
import { SelectField, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Letters and invitations – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const { page: _page, status: _status, ...filter } = filterFromUrl(new URL(request.url));
  const db = getDb();
  const [council, withoutContact, withContact, wards] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    countYoungPeople(db, councilId, { ...filter, status: "INVITED", noContact: true }),
    countYoungPeople(db, councilId, { ...filter, status: "INVITED", hasContact: true }),
    db.youngPerson.findMany({ where: { councilId }, distinct: ["ward"], select: { ward: true }, orderBy: { ward: "asc" } }),
  ]);
  return { councilName: council.name, filter, withoutContact, withContact, wards: wards.map((w) => w.ward), maxLetters: MAX_LETTERS };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const form = await readForm(request);
  const url = new URL(request.url);
  const { page: _page, status: _status, ...filter } = filterFromUrl(url);
  const db = getDb();
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  const context = { councilId, actorUserId: actor.userId, appUrl: getEnv().APP_URL, councilName: council.name };
  try {
    if (form.get("intent") === "invite") {
      const { messageIds, invited } = await sendInvitations(db, context, filter);
      // A hundred at a time; the outbox sweeper sends anything this misses within a minute or two.
      for (let start = 0; start < messageIds.length; start += 100) {
        await Promise.all(
          messageIds.slice(start, start + 100).map((id) =>
            enqueue("notifications", `message-${id}`, { messageId: id }).catch((error: unknown) => logger.warn({ error: String(error) }, "invitation left for the outbox sweeper")),
          ),
        );
      }
      throw redirect(`/council/letters?${new URLSearchParams([...url.searchParams, ["invited", String(invited)], ["sent", String(messageIds.length)]])}`);
    }
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message }, { status: 400 });
    throw error;
  }
  return data({ error: "Choose what to send." }, { status: 400 });
}

export default function Letters() {
  const { councilName, filter, withoutContact, withContact, wards, maxLetters } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const invited = params.get("invited");
  const search = (() => {
    const kept = new URLSearchParams([...params].filter(([key]) => key === "ward" || key === "needs" || key === "q"));
    return kept.size > 0 ? `?${kept}` : "";
  })();
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/young-people">Back to young people</Link>
      </p>
      <h1>Letters and invitations</h1>
      {invited !== null ? (
        <Notice tone="success" title="Invitations sent">
          {params.get("sent")} new {params.get("sent") === "1" ? "message" : "messages"} sent to {invited} young {invited === "1" ? "person" : "people"}. Someone invited before with the same
          code is not sent it twice.
        </Notice>
      ) : null}
      {actionData && "error" in actionData ? <Notice tone="error" title="Nothing was made">{actionData.error}</Notice> : null}
      <p>
        These reach young people who have been enrolled but have not activated their pass. Each gets an activation code that lasts 60 days, and a link
        to the activation page. A code that has run out is replaced.
      </p>
      <Form method="get" className="filters" aria-label="Choose a group">
        <SelectField
          label="Ward"
          selectProps={{ id: "ward", name: "ward", defaultValue: filter.ward ?? "" }}
          placeholder="Every ward"
          options={wards.map((w) => ({ value: w, label: w }))}
        />
        <SelectField
          label="Needs"
          selectProps={{ id: "needs", name: "needs", defaultValue: filter.needs ?? "" }}
          placeholder="Any"
          options={Object.entries(NEEDS_LABELS).map(([value, label]) => ({ value, label }))}
        />
        {filter.q ? <input type="hidden" name="q" value={filter.q} /> : null}
        <button type="submit" className="button button--secondary">
          Show
        </button>
      </Form>
      <SummaryList
        rows={[
          { key: "none", label: "Not activated, no phone or email", value: withoutContact.toLocaleString("en-GB"), numeric: true },
          { key: "some", label: "Not activated, with a phone or email", value: withContact.toLocaleString("en-GB"), numeric: true },
        ]}
      />

      <section className="panel" aria-labelledby="letters">
        <h2 id="letters">Printed letters</h2>
        <p>One A4 page for each young person, in surname order, with their activation code, a QR code of the activation link and plain instructions. Up to {maxLetters.toLocaleString("en-GB")} at a time.</p>
        {withoutContact + withContact > maxLetters ? (
          <Notice tone="info">There are more than {maxLetters.toLocaleString("en-GB")} in this group. Choose one ward at a time above.</Notice>
        ) : null}
        {/* A plain form post: the answer is a file, so the browser downloads it and stays on this page. */}
        <form method="post" action={`/council/letters/pdf${search}`}>
          <div className="field">
            <div className="checkbox">
              <input className="checkbox__input" type="radio" id="who-no-contact" name="who" value="no-contact" defaultChecked />
              <label className="checkbox__label" htmlFor="who-no-contact">
                Only those without a phone or email ({withoutContact.toLocaleString("en-GB")})
              </label>
            </div>
            <div className="checkbox">
              <input className="checkbox__input" type="radio" id="who-everyone" name="who" value="everyone" />
              <label className="checkbox__label" htmlFor="who-everyone">
                Everyone in this group who has not activated ({(withoutContact + withContact).toLocaleString("en-GB")})
              </label>
            </div>
          </div>
          <button type="submit" className="button" disabled={withoutContact + withContact === 0}>
            Download letters (PDF)
          </button>
        </form>
      </section>

      <section className="panel" aria-labelledby="invitations">
        <h2 id="invitations">Invitations by email or text</h2>
        <p>A short message with the activation link, by email when we have one, otherwise by text.</p>
        <Form method="post">
          <input type="hidden" name="intent" value="invite" />
          <SubmitButton variant="secondary" disabled={withContact === 0} pendingText="Sending…">
            Send {withContact.toLocaleString("en-GB")} invitations
          </SubmitButton>
        </Form>
      </section>
    </CouncilShell>
  );
}
