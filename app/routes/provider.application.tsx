// The applicant's own view: is the council still vetting us, did it say no (and why), or are we approved.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { getApplicationStatus } from "~/domain/providers/application";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatFileSize } from "~/domain/providers/forms";
import { formatDate } from "~/ui/dates";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Your application – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId, role } = await requireProviderStaff(request);
  return { application: await getApplicationStatus(getDb(), providerId), isManager: role === "PROVIDER_MANAGER" };
}

export default function ApplicationStatus() {
  const { application, isManager } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={application.name}>
      <h1>Your application</h1>
      {application.councils.map((link) => (
        <section key={link.councilName} className="application-status">
          {link.status === "APPLIED" ? (
            <Notice tone="info" title={`${link.councilName} is vetting your application`}>
              <p>
                You applied on {formatDate(link.appliedAt)}. The council checks your documents and details, usually within two weeks, and we
                email you when they decide. Meanwhile you can add venues and draft activities; they go live once you are approved.
              </p>
            </Notice>
          ) : link.status === "APPROVED" ? (
            <Notice tone="success" title={`Approved by ${link.councilName}`}>
              <p>
                Approved on {link.decidedAt ? formatDate(link.decidedAt) : "—"}. Young people can book your live activities.{" "}
                {isManager ? <Link to="/provider/activities">Manage your activities</Link> : null}
              </p>
            </Notice>
          ) : link.status === "REJECTED" ? (
            <Notice tone="error" title={`${link.councilName} did not approve your application`}>
              <p>The council's reason: {link.reason ?? "none given"}.</p>
              <p>If you can put this right, contact the council; they can look at your application again.</p>
            </Notice>
          ) : (
            <Notice tone="warning" title={`Suspended by ${link.councilName}`}>
              <p>The council's reason: {link.reason ?? "none given"}. Your activities cannot be booked until the council reinstates you.</p>
            </Notice>
          )}
        </section>
      ))}

      <h2>What you sent</h2>
      <dl className="summary-list">
        <Row label="Organisation">
          {application.name} ({application.organisationType}
          {application.registrationNumber ? `, number ${application.registrationNumber}` : ""})
        </Row>
        <Row label="Contact">{application.contact}</Row>
        <Row label="Kinds of activity">{application.categories.join(", ") || "None"}</Row>
        <Row label="Venues">
          {application.venues.map((v) => `${v.name}, ${v.town} ${v.postcode}`).join("; ")}
          {isManager ? (
            <>
              {" "}
              <Link to="/provider/venues">Manage venues</Link>
            </>
          ) : null}
        </Row>
        <Row label="Documents">
          <ul className="plain-list">
            {application.documents.map((doc) => (
              <li key={doc.id}>
                {doc.label}: <a href={`/files/${doc.id}`}>{doc.originalName}</a> ({formatFileSize(doc.sizeBytes)})
              </li>
            ))}
          </ul>
        </Row>
        <Row label="How you are paid">
          {application.payment.method === "STRIPE" ? (
            <>
              Through Stripe. {application.payment.ready ? "Your Stripe account can receive payments." : "Your Stripe account is not set up yet."}{" "}
              {isManager ? <Link to="/provider/payments">Set up or check Stripe payments</Link> : null}
            </>
          ) : (
            <>
              Into the bank account {application.payment.accountName}, sort code {application.payment.sortCode}, account {application.payment.accountNumber}
            </>
          )}
        </Row>
      </dl>
    </ProviderShell>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="summary-list__row">
      <dt className="summary-list__key">{label}</dt>
      <dd className="summary-list__value">{children}</dd>
    </div>
  );
}
