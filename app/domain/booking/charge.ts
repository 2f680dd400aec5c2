// Walk-in use of a pass at a provider's till: a redemption without a booking, straight from the wallet.
import { isUniqueViolation, type Db } from "~/lib/db.server";
import { normaliseCode } from "../codes";
import { DomainError } from "../errors";
import { postTransfer, providerPayableAccountId, walletBalances } from "../ledger";
import { formatPence } from "../money";
import type { DoorActor } from "./redeem";

const DAY = 24 * 60 * 60 * 1000;

export type ChargeResult = { redemptionId: string; amountPence: number; created: boolean };

export async function chargePass(
  db: Db,
  input: {
    passCode: string;
    providerId: string;
    activityId: string;
    amountPence: number;
    /** The till's one-off token for this charge: sent twice, charged once. */
    requestKey: string;
    actor: DoorActor;
    now?: Date;
  },
): Promise<ChargeResult> {
  const now = input.now ?? new Date();
  const idempotencyKey = `charge:${input.providerId}:${input.requestKey}`;
  const earlier = await db.redemption.findUnique({ where: { idempotencyKey }, select: { id: true, amountPence: true } });
  if (earlier) return sameCharge(earlier, input.amountPence);

  if (!Number.isSafeInteger(input.amountPence) || input.amountPence <= 0) {
    throw new DomainError("INVALID_INPUT", "Enter an amount in pounds and pence greater than zero.", "amount");
  }
  const passCode = normaliseCode(input.passCode);
  const youngPerson = passCode ? await db.youngPerson.findUnique({ where: { passCode } }) : null;
  if (!youngPerson) throw new DomainError("UNKNOWN_CODE", "That is not a Playpass pass code. Check it and try again.", "passCode");
  const activity = await db.activity.findUnique({ where: { id: input.activityId } });
  if (!activity || activity.providerId !== input.providerId) throw new DomainError("NOT_FOUND", "Choose one of your activities.", "activityId");
  if (activity.councilId !== youngPerson.councilId) {
    throw new DomainError("WRONG_PROVIDER", "This pass is from a council whose scheme this activity is not part of.", "passCode");
  }
  const vetting = await db.providerCouncil.findUnique({
    where: { providerId_councilId: { providerId: input.providerId, councilId: activity.councilId } },
    select: { status: true },
  });
  if (vetting?.status !== "APPROVED") throw new DomainError("PROVIDER_NOT_APPROVED", "Your organisation cannot take Playpass payments at the moment.");
  if (input.amountPence > activity.pricePence) {
    throw new DomainError("AMOUNT_TOO_HIGH", `The most you can charge for ${activity.title} is ${formatPence(activity.pricePence)}.`, "amount");
  }

  const allocations = await db.allocation.findMany({
    where: { youngPersonId: youngPerson.id, status: "ACTIVE", expiresAt: { gt: now } },
    include: { programme: { select: { allowedCategories: true, disputeWindowDays: true } }, wallet: { select: { id: true } } },
    orderBy: { expiresAt: "asc" },
  });
  const allowed = allocations.filter((a) => a.programme.allowedCategories.includes(activity.category));
  if (allowed.length === 0) throw new DomainError("ACTIVITY_NOT_ALLOWED", "This pass cannot be used for this kind of activity, or it is not active.", "passCode");
  const balances = await walletBalances(db, allowed.map((a) => a.id));
  const allocation = allowed.find((a) => (balances.get(a.id) ?? 0) >= input.amountPence);
  if (!allocation?.wallet) {
    const best = Math.max(0, ...allowed.map((a) => balances.get(a.id) ?? 0));
    throw new DomainError("NOT_ENOUGH_CREDIT", `The pass has ${formatPence(best)} left, less than ${formatPence(input.amountPence)}.`, "amount");
  }
  const walletId = allocation.wallet.id;

  try {
    return await db.$transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<{ status: string; expiresAt: Date }[]>`
        SELECT "status", "expiresAt" FROM "Allocation" WHERE "id" = ${allocation.id}::uuid FOR SHARE`;
      if (locked?.status !== "ACTIVE" || locked.expiresAt <= now) {
        throw new DomainError("ALLOCATION_FROZEN", "This pass cannot be used right now.", "passCode");
      }
      const redemption = await tx.redemption.create({
        data: {
          councilId: activity.councilId,
          providerId: input.providerId,
          youngPersonId: youngPerson.id,
          amountPence: input.amountPence,
          method: "POINT_OF_SALE",
          redeemedAt: now,
          redeemedByUserId: input.actor.userId,
          redeemedByName: input.actor.name,
          payableAt: new Date(now.getTime() + allocation.programme.disputeWindowDays * DAY),
          idempotencyKey,
        },
        select: { id: true },
      });
      try {
        await postTransfer(tx, {
          councilId: activity.councilId,
          kind: "CHARGE",
          debitAccountId: walletId,
          creditAccountId: await providerPayableAccountId(tx, activity.councilId, input.providerId),
          amountPence: input.amountPence,
          idempotencyKey,
          redemptionId: redemption.id,
          actorUserId: input.actor.userId ?? undefined,
        });
      } catch (error) {
        if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
          throw new DomainError("NOT_ENOUGH_CREDIT", "The pass does not have enough credit left for this.", "amount");
        }
        throw error;
      }
      return { redemptionId: redemption.id, amountPence: input.amountPence, created: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      const same = await db.redemption.findUnique({ where: { idempotencyKey }, select: { id: true, amountPence: true } });
      if (same) return sameCharge(same, input.amountPence);
    }
    throw error;
  }
}

/** The till sent this charge before: answer with it, unless the amount differs (then it is not the same charge). */
function sameCharge(earlier: { id: string; amountPence: number }, amountPence: number): ChargeResult {
  if (earlier.amountPence !== amountPence) {
    throw new DomainError("IDEMPOTENCY_CONFLICT", "This charge was already taken with a different amount. Start a new charge.", "amount");
  }
  return { redemptionId: earlier.id, amountPence: earlier.amountPence, created: false };
}
