// A young person's pass: the QR a till scans for walk-in use, and every movement of their credit with a running balance.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { passCodeOf, passSummary } from "~/domain/booking/queries";
import { walletStatement } from "~/domain/ledger";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDate, formatDateTime, isoDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { QrCode } from "~/ui/qr";
import { YoungShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "My pass – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const [pass, passCode, statement] = await Promise.all([
    passSummary(getDb(), youngPerson.id),
    passCodeOf(getDb(), youngPerson.id),
    walletStatement(getDb(), youngPerson.id),
  ]);
  const qrSvg = await QRCode.toString(passCode, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return { pass, passCode, qrSvg, statement };
}

export default function MyPass() {
  const { pass, passCode, qrSvg, statement } = useLoaderData<typeof loader>();
  return (
    <YoungShell balancePence={pass.balancePence}>
      <h1>My pass</h1>
      <section className="pass-card" aria-labelledby="pass-heading">
        <h2 id="pass-heading">Pay at a till</h2>
        <p>For a walk-in activity, staff can scan this or type the code to use your credit.</p>
        <QrCode svg={qrSvg} label={`QR code for pass code ${passCode}`} className="pass-card__qr" />
        <p className="pass-card__code-label">Pass code</p>
        <p className="pass-card__code">{passCode}</p>
        <p className="pass-card__note">Only show it to staff when you want to pay.</p>
        {pass.expiresAt ? <p className="pass-card__note">Your credit lasts until {formatDate(pass.expiresAt)}.</p> : null}
        {pass.frozen ? <p className="pass-card__note">Your pass is paused by the council. Contact them to find out why.</p> : null}
      </section>

      <h2 id="statement-heading">Your credit, step by step</h2>
      <p>
        Newest first. You have <Money pence={statement.balancePence} /> now.
      </p>
      {statement.entries.length === 0 ? (
        <p>Nothing yet. When the council gives you credit, it shows here.</p>
      ) : (
        <ol className="statement" aria-labelledby="statement-heading">
          {statement.entries.map((entry) => (
            <li key={entry.id} className="statement__row" data-type={entry.type}>
              <div className="statement__what">
                <p className="statement__description">{entry.description}</p>
                <p className="statement__when">
                  <time dateTime={isoDateTime(entry.at)}>{formatDateTime(entry.at)}</time>
                </p>
              </div>
              <div className="statement__figures">
                <p className="statement__amount">
                  <SignedMoney pence={entry.amountPence} />
                </p>
                <p className="statement__balance">
                  Balance <Money pence={entry.balancePence} />
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
      <p><a href="/young/my-data.json" download>Download my data</a>: everything Playpass keeps about you, in one file (<a href="/privacy">what we keep and why</a>).</p>
      <section className="sign-out-panel" aria-labelledby="sign-out-heading">
        <h2 id="sign-out-heading">Signing out</h2>
        <p>Using a phone someone else also uses? Sign out when you are done.</p>
        <Form method="post" action="/logout">
          <button type="submit" className="button button--secondary">
            Sign out
          </button>
        </Form>
        <Form method="post" action="/logout">
          <input type="hidden" name="everywhere" value="yes" />
          <button type="submit" className="button button--secondary">
            Sign out on every device
          </button>
        </Form>
      </section>
    </YoungShell>
  );
}

/** "+£5.00" or "−£3.00", said as "added" or "taken" so the direction never rests on a symbol alone. */
function SignedMoney({ pence }: { pence: number }) {
  const added = pence >= 0;
  return (
    <>
      <span className="visually-hidden">{added ? "Added " : "Taken "}</span>
      <span aria-hidden="true">{added ? "+" : "\u2212"}</span>
      <Money pence={Math.abs(pence)} />
    </>
  );
}
