// Door mode: one big input and one big button. Scan or type a booking code to redeem it; a pass code
// opens a walk-in charge for one of the provider's activities. Works without JavaScript; the camera is extra.
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { formatPence, parsePoundsToPence } from "~/domain/money";
import type { RedeemResult } from "~/domain/booking";
import { chargeAtDoor, passAtDoor, scanAtDoor, type DoorCharged, type DoorPass } from "~/domain/providers/door";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { formatDateTime, formatTime } from "~/ui/dates";
import { DoorShell } from "~/ui/door-shell";
import { Field, SelectField, SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { QrScanner } from "~/ui/qr-scanner";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Door mode – Playpass" }];

const codeSchema = z.object({
  code: z
    .string({ error: "Type the code on the young person's screen." })
    .trim()
    .min(1, "Type the code on the young person's screen.")
    .max(40, "That is too long to be a Playpass code."),
});

const chargeSchema = z.object({
  intent: z.literal("charge"),
  passCode: z.string().trim().min(1).max(40),
  requestKey: z.string().uuid(),
  activityId: z.string({ error: "Choose the activity." }).uuid("Choose the activity."),
  amount: z
    .string({ error: "Enter the amount in pounds, like 3.50." })
    .trim()
    .refine((value) => (parsePoundsToPence(value) ?? 0) > 0, "Enter the amount in pounds, like 3.50."),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId, role } = await requireProviderStaff(request);
  const provider = await getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } });
  return { providerName: provider.name, doorOnly: role === "DOOR_STAFF" };
}

type PassView = DoorPass & { requestKey: string };
type RedeemView = Omit<RedeemResult, "redeemedAt" | "slotStartsAt"> & { redeemedAt: string; slotStartsAt: string };
type DoorReply =
  | { ok: true; result: RedeemView }
  | { ok: true; pass: PassView }
  | { ok: true; charged: DoorCharged }
  | { ok: false; error: string; pass?: PassView | null; charge?: SubmissionResult<string[]> };

export async function action({ request }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request);
  const formData = await readForm(request);
  const doorActor = { userId: actor.userId, name: actor.displayName };

  if (formData.get("intent") === "charge") {
    const submission = parseWithZod(formData, { schema: chargeSchema });
    const passCode = String(formData.get("passCode") ?? "");
    const requestKey = String(formData.get("requestKey") ?? "");
    const again = async (): Promise<PassView | null> =>
      passAtDoor(getDb(), { passCode, providerId })
        .then((pass) => ({ ...pass, requestKey: z.string().uuid().safeParse(requestKey).success ? requestKey : crypto.randomUUID() }))
        .catch(() => null);
    if (submission.status !== "success") {
      return data({ ok: false as const, error: "Check the charge.", pass: await again(), charge: submission.reply() }, { status: 400 });
    }
    try {
      await consume([
        ["redeemPerUser", actor.userId],
        ["redeemPerIp", clientAddress(request)],
      ]);
      const charged = await chargeAtDoor(getDb(), {
        passCode: submission.value.passCode,
        providerId,
        activityId: submission.value.activityId,
        amountPence: parsePoundsToPence(submission.value.amount)!,
        requestKey: submission.value.requestKey,
        actor: doorActor,
      });
      return { ok: true as const, charged };
    } catch (error) {
      if (error instanceof RateLimited) return data({ ok: false as const, error: error.message }, { status: 429 });
      if (!isDomainError(error)) throw error;
      const field = error.field === "activityId" || error.field === "amount" ? error.field : undefined;
      const pass = await again();
      return data(
        {
          ok: false as const,
          error: error.message,
          pass,
          charge: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }),
        },
        { status: 409 },
      );
    }
  }

  const parsed = codeSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return data({ ok: false as const, error: parsed.error.issues[0]!.message }, { status: 400 });
  try {
    await consume([
      ["redeemPerUser", actor.userId],
      ["redeemPerIp", clientAddress(request)],
    ]);
    const outcome = await scanAtDoor(getDb(), { code: parsed.data.code, providerId, actor: doorActor });
    if (outcome.kind === "PASS") return { ok: true as const, pass: { ...outcome, requestKey: crypto.randomUUID() } satisfies PassView };
    return {
      ok: true as const,
      result: { ...outcome, redeemedAt: outcome.redeemedAt.toISOString(), slotStartsAt: outcome.slotStartsAt.toISOString() },
    };
  } catch (error) {
    if (error instanceof RateLimited) return data({ ok: false as const, error: error.message }, { status: 429 });
    if (isDomainError(error)) return data({ ok: false as const, error: error.message }, { status: 409 });
    throw error;
  }
}

export default function DoorMode() {
  const { providerName, doorOnly } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as DoorReply | undefined;
  const Shell = doorOnly ? DoorShell : ProviderShell;
  const pass = actionData && "pass" in actionData ? actionData.pass : null;
  return (
    <Shell providerName={providerName}>
      <h1>Door</h1>
      <Outcome actionData={actionData} />
      {pass ? <ChargeForm key={pass.requestKey} pass={pass} lastResult={actionData && "charge" in actionData ? actionData.charge : undefined} /> : <CodeForm answer={actionData} />}
    </Shell>
  );
}

function Outcome({ actionData }: { actionData: DoorReply | undefined }) {
  if (!actionData) return null;
  if (actionData.ok && "result" in actionData) {
    const r = actionData.result;
    if (r.outcome === "REDEEMED") {
      return (
        <Notice tone="success" title={`Welcome, ${r.firstName}`} className="door-outcome">
          <p className="door-outcome__who">Age {r.ageBand}</p>
          <p>
            {r.activityTitle}, {formatDateTime(r.slotStartsAt)}. Redeemed.
          </p>
        </Notice>
      );
    }
    return (
      <Notice tone="warning" title="Already used" className="door-outcome">
        <p>
          {r.firstName}'s booking for {r.activityTitle} ({formatDateTime(r.slotStartsAt)}) was redeemed on {formatDateTime(r.redeemedAt)} by{" "}
          {r.redeemedByName}.
        </p>
      </Notice>
    );
  }
  if (actionData.ok && "charged" in actionData) {
    const c = actionData.charged;
    return (
      <Notice tone="success" title={`Charged ${formatPence(c.amountPence)}`} className="door-outcome">
        <p>
          {c.activityTitle} for {c.firstName}, paid from their pass{c.created ? "" : " (this charge was already taken; it was not taken twice)"}.
        </p>
      </Notice>
    );
  }
  if (!actionData.ok && !("pass" in actionData && actionData.pass)) {
    return (
      <Notice tone="error" title="Not accepted" className="door-outcome">
        <p>{actionData.error}</p>
      </Notice>
    );
  }
  return null;
}

function CodeForm({ answer }: { answer: DoorReply | undefined }) {
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // After each answer the box is empty and ready for the next person in the queue.
  useEffect(() => {
    if (!answer) return;
    formRef.current?.reset();
    inputRef.current?.focus();
  }, [answer]);
  return (
    <Form method="post" className="door-form" ref={formRef} replace>
      <label htmlFor="code" className="door-form__label">
        Booking code or pass code
      </label>
      <input
        ref={inputRef}
        id="code"
        name="code"
        className="door-form__input"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        autoFocus
        required
        aria-describedby="code-hint"
      />
      <p id="code-hint" className="hint">
        A booking code is 8 letters and numbers, like 7K3M-Q9TX. A pass code (16) starts a walk-in charge.
      </p>
      <button type="submit" className="button button--huge">
        Redeem
      </button>
      <QrScanner
        label="Scan the QR code with the camera"
        onCode={(text) => {
          if (!inputRef.current) return;
          inputRef.current.value = text;
          // One scan, one redemption: the same tap a person makes after typing.
          formRef.current?.requestSubmit();
        }}
      />
    </Form>
  );
}

function ChargeForm({ pass, lastResult }: { pass: PassView; lastResult?: SubmissionResult<string[]> }) {
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: chargeSchema }),
    shouldValidate: "onSubmit",
    defaultValue: { activityId: pass.activities.length === 1 ? pass.activities[0]!.id : "" },
  });
  return (
    <section className="door-pass" aria-labelledby="pass-heading">
      <h2 id="pass-heading" className="door-pass__who">
        {pass.firstName} <span className="door-pass__age">age {pass.ageBand}</span>
      </h2>
      {pass.bookingsNow.length > 0 ? (
        <div className="door-pass__bookings">
          <h3>Booked here now</h3>
          {pass.bookingsNow.map((booking) => (
            <Form method="post" key={booking.code} replace>
              <input type="hidden" name="code" value={booking.code} />
              <button type="submit" className="button button--huge">
                Redeem {booking.activityTitle}, {formatTime(booking.slotStartsAt)}
              </button>
            </Form>
          ))}
        </div>
      ) : null}
      <h3>Walk-in charge</h3>
      <p>
        Take payment from their pass for something they have not booked. The pass can pay up to <Money pence={pass.availablePence} />.
      </p>
      {pass.activities.length === 0 ? (
        <Notice tone="info">You have no live paid activities in this pass's council, so there is nothing to charge for.</Notice>
      ) : (
        <Form method="post" className="door-form" {...getFormProps(form)} replace>
          {form.errors?.length ? (
            <Notice tone="error" title="Not charged">
              <p>{form.errors.join(" ")}</p>
            </Notice>
          ) : null}
          <input type="hidden" name="intent" value="charge" />
          <input type="hidden" name="passCode" value={pass.passCode} />
          <input type="hidden" name="requestKey" value={pass.requestKey} />
          <SelectField
            label="Activity"
            selectProps={getSelectProps(fields.activityId)}
            errors={fields.activityId.errors}
            placeholder="Choose the activity"
            options={pass.activities.map((a) => ({
              value: a.id,
              label: `${a.title}: up to ${formatPence(a.maxChargePence)}${a.maxChargePence < a.pricePence ? ` (price ${formatPence(a.pricePence)})` : ""}`,
              disabled: a.maxChargePence === 0,
            }))}
          />
          <Field
            label="Amount in pounds"
            hint="No more than the activity's price or what the pass holds."
            inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "decimal", autoComplete: "off", className: "input--amount" }}
            errors={fields.amount.errors}
          />
          <SubmitButton variant="huge">Charge the pass</SubmitButton>
        </Form>
      )}
      <p>
        <Link to="/provider/door" className="button button--secondary button--block">
          Cancel, back to the door
        </Link>
      </p>
    </section>
  );
}
