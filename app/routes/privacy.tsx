// The privacy page: what Playpass keeps about each kind of person, why, who sees it and for how long, in words a
// 13-year-old can read. Rendered from the same inventory as docs/privacy.md, so the two never disagree.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CONTROLLER_AND_BASIS, DATA_SUBJECTS, DEFAULT_RETENTION_MONTHS, INVENTORY } from "~/domain/privacy/inventory";
import { getActor, homePathFor } from "~/lib/auth.server";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Your privacy – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  return {
    home: actor ? homePathFor(actor) : null,
    isYoungPerson: Boolean(actor?.memberships.some((m) => m.role === "YOUNG_PERSON")),
  };
}

const SECTION_INTRO: Record<(typeof DATA_SUBJECTS)[number], string> = {
  "Young people": "If you have a Playpass, this is what we keep about you.",
  "Parents and guardians": "If your child is under 13, you said yes to their pass.",
  "Provider staff": "If you run activities or work at the door.",
  "Council officers": "If you run Playpass for your council.",
};

const slug = (text: string) => text.toLowerCase().replace(/[^a-z]+/g, "-");

export default function PrivacyPage() {
  const { home, isYoungPerson } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref={home ?? undefined}>
      <h1>Your privacy</h1>
      <p className="lede">What Playpass keeps about you, why, who can see it, and when it is deleted.</p>

      <h2>Who is in charge of your data</h2>
      <p>{CONTROLLER_AND_BASIS.controller}</p>
      <p>{CONTROLLER_AND_BASIS.basis}</p>
      <p>{CONTROLLER_AND_BASIS.never}</p>

      <h2>How long we keep it</h2>
      <p>
        {DEFAULT_RETENTION_MONTHS} months after your last programme ends, we remove your name, contact details, exact date of birth,
        full postcode, your parent's or guardian's details, your sign-in, your messages and your comments. We keep what the council
        needs to show how its money was spent (what was booked and paid for, your ward, your year of birth and any extra needs),
        with nothing that says who you are.
      </p>

      <h2>See everything we hold about you</h2>
      {isYoungPerson ? (
        <p>
          <a href="/young/my-data.json" download>
            Download my data
          </a>{" "}
          (a file you can open in any text editor).
        </p>
      ) : (
        <p>
          Young people can download everything we hold from this page once they <Link to="/login">sign in</Link>. Anyone can also
          ask their council for a copy.
        </p>
      )}
      <p>You can ask your council to correct anything that is wrong, or to delete what it does not need.</p>

      <nav aria-label="On this page">
        <ul>
          {DATA_SUBJECTS.map((about) => (
            <li key={about}>
              <a href={`#${slug(about)}`}>{about}</a>
            </li>
          ))}
        </ul>
      </nav>

      {DATA_SUBJECTS.map((about) => (
        <section key={about} aria-labelledby={slug(about)}>
          <h2 id={slug(about)}>{about}</h2>
          <p>{SECTION_INTRO[about]}</p>
          {INVENTORY.filter((item) => item.about === about).map((item) => (
            <article key={item.what} className="privacy-item">
              <h3>{item.what}</h3>
              <dl>
                <dt>Why</dt>
                <dd>{item.why}</dd>
                <dt>Who sees it</dt>
                <dd>{item.whoSees}</dd>
                <dt>How long</dt>
                <dd>{item.howLong}</dd>
              </dl>
            </article>
          ))}
        </section>
      ))}
    </PublicShell>
  );
}
