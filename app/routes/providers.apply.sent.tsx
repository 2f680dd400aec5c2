// After applying: what happens next, and how the contact signs in to follow it.
import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Application sent – Playpass" }];

export default function ApplicationSent() {
  return (
    <PublicShell theme="provider">
      <h1>Application sent</h1>
      <Notice tone="success" title="Thank you for applying">
        We have emailed your contact to say it has arrived.
      </Notice>
      <h2>What happens next</h2>
      <ol>
        <li>The council checks your documents and details, usually within two weeks.</li>
        <li>We email your contact when they have decided.</li>
        <li>Meanwhile your contact can sign in to add venues and draft activities. Activities go live once you are approved.</li>
      </ol>
      <p>
        <Link className="button" to="/login?redirectTo=/provider/application">
          Sign in to see your application
        </Link>
      </p>
    </PublicShell>
  );
}
