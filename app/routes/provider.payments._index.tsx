// How the provider is paid: Stripe (start or resume Stripe's own onboarding) or bank details for the
// council's bank payment file. Managers only; bank details are shown masked once saved.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { bankDetailsSchema } from "~/domain/providers/bank-details";
import { choosePayoutMethod, providerPaymentSettings, saveBankDetails, startStripeOnboarding } from "~/domain/settlement";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { getStripe } from "~/lib/stripe.server";
import { stripeReturnUrls } from "./provider.payments.server";
import { SummaryList } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { ErrorSummary, Field, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Payments – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const settings = await providerPaymentSettings(getDb(), providerId);
  return { settings, stripeAvailable: getStripe() !== null };
}

const bankSchema = bankDetailsSchema.extend({ intent: z.literal("bank-details") });
const otherSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("stripe-onboarding") }),
  z.object({ intent: z.literal("use-stripe") }),
  z.object({ intent: z.literal("use-bank") }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const formData = await readForm(request);
  const db = getDb();
  if (formData.get("intent") === "bank-details") {
    const submission = parseWithZod(formData, { schema: bankSchema });
    if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
    const { intent: _intent, ...details } = submission.value;
    await saveBankDetails(db, { providerId, actorUserId: actor.userId, details });
    return redirect("/provider/payments?done=bank-details");
  }
  const parsed = otherSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data({ error: "That action is not recognised. Reload the page and try again." }, { status: 400 });
  try {
    switch (parsed.data.intent) {
      case "stripe-onboarding": {
        const stripe = getStripe();
        if (!stripe) return data({ error: "Payments by Stripe are not available here yet. Enter your bank details instead." }, { status: 409 });
        const { url } = await startStripeOnboarding(db, stripe, { providerId, actorUserId: actor.userId, ...stripeReturnUrls() });
        return redirect(url);
      }
      case "use-stripe":
        await choosePayoutMethod(db, { providerId, actorUserId: actor.userId, method: "STRIPE_TRANSFER" });
        return redirect("/provider/payments?done=use-stripe");
      case "use-bank":
        await choosePayoutMethod(db, { providerId, actorUserId: actor.userId, method: "BANK_FILE" });
        return redirect("/provider/payments?done=use-bank");
    }
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
}

const DONE_WORDS: Record<string, string> = {
  "bank-details": "Bank details saved. You will be paid by bank transfer from the next payout.",
  "use-stripe": "You will be paid by Stripe from the next payout.",
  "use-bank": "You will be paid by bank transfer from the next payout.",
  "stripe-return": "Thanks. Stripe has your details; we show below what Stripe says about your account.",
};

export default function ProviderPayments() {
  const { settings, stripeAvailable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const done = searchParams.get("done");
  const result = actionData && "result" in actionData ? actionData.result : undefined;
  const [form, fields] = useForm({
    lastResult: result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: bankSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const byStripe = settings.payoutMethod === "STRIPE_TRANSFER" && stripeAvailable;
  const errors = [fields.accountName, fields.sortCode, fields.accountNumber].flatMap((field) => (field.errors ?? []).map((message) => ({ message, fieldId: field.id })));

  return (
    <ProviderShell providerName={settings.name}>
      <h1>Payments</h1>
      {done && DONE_WORDS[done] ? <Notice tone="success" title={DONE_WORDS[done]} /> : null}
      {actionData && "error" in actionData ? <Notice tone="error" title={actionData.error} /> : null}
      <p>
        You are paid for every use of a pass once the council's checking period has passed. See what you have earned on{" "}
        <Link to="/provider/earnings">Earnings</Link>.
      </p>
      <SummaryList
        rows={[
          { key: "method", label: "You are paid by", value: byStripe ? "Stripe" : "Bank transfer from the council" },
          {
            key: "stripe",
            label: "Stripe account",
            value: settings.stripe
              ? settings.stripe.payoutsEnabled
                ? "Ready to receive payouts"
                : `Not ready yet${settings.stripe.disabledReason ? ` (${settings.stripe.disabledReason.replace(/_/g, " ")})` : ""}`
              : "Not set up",
          },
          { key: "bank", label: "Bank account", value: settings.bank ? `${settings.bank.accountName}, ${settings.bank.sortCode}, ${settings.bank.accountNumber}` : "Not given" },
          ...(settings.stripe?.checkedAt ? [{ key: "checked", label: "Stripe last checked", value: formatDateTime(settings.stripe.checkedAt) }] : []),
        ]}
      />

      <h2>Get paid by Stripe</h2>
      {stripeAvailable ? (
        <>
          <p>
            Stripe asks for your business details and bank account on its own secure pages, then pays you straight after each payout run.
            {settings.stripe && !settings.stripe.payoutsEnabled ? " You can carry on where you left off." : ""}
          </p>
          <Form method="post">
            <SubmitButton name="intent" value="stripe-onboarding" pendingText="Opening Stripe…">
              {settings.stripe ? (settings.stripe.payoutsEnabled ? "Update your details on Stripe" : "Continue setting up Stripe") : "Set up Stripe"}
            </SubmitButton>
          </Form>
          {settings.stripe && settings.payoutMethod !== "STRIPE_TRANSFER" ? (
            <Form method="post">
              <SubmitButton name="intent" value="use-stripe" variant="secondary">
                Pay me by Stripe instead of bank transfer
              </SubmitButton>
            </Form>
          ) : null}
        </>
      ) : (
        <p>This Playpass does not pay by Stripe. The council pays you by bank transfer: enter your bank details below.</p>
      )}

      <h2>Get paid by bank transfer</h2>
      <p>The council pays you by BACS with its other suppliers. Enter the account the money should go to.</p>
      <ErrorSummary errors={errors} />
      <Form method="post" {...getFormProps(form)} noValidate>
        <input type="hidden" name="intent" value="bank-details" />
        <Field label="Name on the account" errors={fields.accountName.errors} inputProps={{ ...getInputProps(fields.accountName, { type: "text" }), autoComplete: "off" }} />
        <Field
          label="Sort code"
          hint="6 digits, like 30-99-50"
          errors={fields.sortCode.errors}
          inputProps={{ ...getInputProps(fields.sortCode, { type: "text" }), inputMode: "numeric", autoComplete: "off" }}
        />
        <Field
          label="Account number"
          hint="8 digits, like 00733445"
          errors={fields.accountNumber.errors}
          inputProps={{ ...getInputProps(fields.accountNumber, { type: "text" }), inputMode: "numeric", autoComplete: "off" }}
        />
        <SubmitButton pendingText="Saving…">{settings.bank ? "Replace bank details" : "Save bank details"}</SubmitButton>
      </Form>
      {settings.bank && settings.payoutMethod !== "BANK_FILE" ? (
        <Form method="post">
          <SubmitButton name="intent" value="use-bank" variant="secondary">
            Pay me by bank transfer instead of Stripe
          </SubmitButton>
        </Form>
      ) : null}
    </ProviderShell>
  );
}
