// Disputes: an officer decides each mismatch (pay the provider, refund the young person, or no action); the
// decision is recorded with who, when and why, and any money moves through the ledger in the same transaction.
import type { Db, DbTx } from "~/lib/db.server";
import type { DisputeDecision, DisputeStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError, isDomainError } from "../errors";
import { postTransfer, providerPayableAccountId } from "../ledger";
import { endHold, refundAccountOf } from "../booking/end-hold";

export const DECISION_LABELS: Record<DisputeDecision, string> = {
  PAY_PROVIDER: "Pay the provider",
  REFUND_YOUNG_PERSON: "Refund the young person",
  NO_ACTION: "No action",
};

export type DecisionEffect =
  | "NOTHING_MOVED"
  | "BOOKING_REDEEMED" // the held credit went to the provider
  | "CHARGED_AFTER_RELEASE" // credit already back with the young person was charged again for the provider
  | "REDEMPTION_REVERSED" // the provider's earning went back to the young person
  | "HOLD_RELEASED"; // an unredeemed booking ended and its credit went back

type LockedDispute = { id: string; councilId: string; providerId: string; kind: string; status: DisputeStatus; bookingId: string | null; redemptionId: string | null };

/**
 * Records an officer's decision on an open dispute of their council. Money moves at most once whatever happens:
 * the dispute row is locked, every transfer carries an idempotency key, and a decision that cannot apply (the
 * money is already paid out, the booking was cancelled) is refused with the reason and nothing changes.
 */
export async function decideDispute(
  db: Db,
  input: { councilId: string; disputeId: string; decision: DisputeDecision; note: string; actor: { userId: string; name: string }; now?: Date },
) {
  const now = input.now ?? new Date();
  const note = input.note.trim();
  if (note.length === 0) throw new DomainError("INVALID_INPUT", "Say why you decided this: the provider and auditors will read it.", "note");
  if (note.length > 1000) throw new DomainError("INVALID_INPUT", "Keep the note to 1,000 characters.", "note");

  return db.$transaction(async (tx) => {
    const [dispute] = await tx.$queryRaw<LockedDispute[]>`
      SELECT "id", "councilId", "providerId", "kind"::text, "status"::text AS "status", "bookingId", "redemptionId"
      FROM "Dispute" WHERE "id" = ${input.disputeId}::uuid FOR UPDATE`;
    if (!dispute || dispute.councilId !== input.councilId) throw new DomainError("NOT_FOUND", "We could not find that dispute.");
    if (dispute.status !== "OPEN") throw new DomainError("DISPUTE_DECIDED", "This dispute has already been decided. Refresh the page to see the decision.");

    const effect = await applyDecision(tx, dispute, input.decision, { ...input.actor, now });
    await tx.dispute.update({
      where: { id: dispute.id },
      data: { status: "RESOLVED", decision: input.decision, decisionNote: note, decidedByUserId: input.actor.userId, decidedAt: now },
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: input.actor.userId,
      action: "dispute.decided",
      entityType: "Dispute",
      entityId: dispute.id,
      data: { kind: dispute.kind, decision: input.decision, effect: effect.effect, movedPence: effect.movedPence },
    });
    return { disputeId: dispute.id, decision: input.decision, ...effect };
  });
}

const cannot = (message: string) => new DomainError("DISPUTE_DECISION_NOT_POSSIBLE", message, "decision");

async function applyDecision(
  tx: DbTx,
  dispute: LockedDispute,
  decision: DisputeDecision,
  actor: { userId: string; name: string; now: Date },
): Promise<{ effect: DecisionEffect; movedPence: number }> {
  if (decision === "NO_ACTION") return { effect: "NOTHING_MOVED", movedPence: 0 };
  if (!dispute.bookingId) throw cannot("This code is not one of the provider's bookings, so there is no money to move. Choose “No action”.");

  // The booking first, then its redemption: the order redemption and cancellation lock them in.
  await tx.$executeRaw`SELECT 1 FROM "Booking" WHERE "id" = ${dispute.bookingId}::uuid FOR UPDATE`;
  const booking = await tx.booking.findUniqueOrThrow({
    where: { id: dispute.bookingId },
    select: {
      id: true,
      councilId: true,
      allocationId: true,
      youngPersonId: true,
      pricePence: true,
      status: true,
      slot: { select: { activity: { select: { providerId: true } } } },
      redemption: { select: { id: true, status: true, payoutId: true, amountPence: true, providerId: true } },
    },
  });
  const providerId = booking.slot.activity.providerId;
  const redemption = booking.redemption;

  if (decision === "PAY_PROVIDER") {
    // The same booking can be disputed twice (reported in two reports). Once one decision gave the young person
    // their credit back, paying the provider too would charge the pass for a redemption that refund holds forever.
    const refunded = await tx.dispute.count({ where: { bookingId: booking.id, decision: "REFUND_YOUNG_PERSON", id: { not: dispute.id } } });
    if (refunded > 0) {
      throw cannot("Another dispute about this booking was already decided as a refund to the young person, so the provider cannot be paid for it too. Choose “No action”.");
    }
    // Already earned (redeemed at the door, or charged by the no-show policy): the redemption simply stands.
    if (redemption) return { effect: "NOTHING_MOVED", movedPence: 0 };
    if (booking.status === "CONFIRMED") {
      await tx.booking.update({ where: { id: booking.id }, data: { status: "REDEEMED", endedAt: actor.now } });
      const created = await createRedemption(tx, booking, providerId, actor);
      const payable = await providerPayableAccountId(tx, booking.councilId, providerId);
      await endHold(tx, booking, { kind: "REDEEM", accountId: payable, redemptionId: created, actorUserId: actor.userId });
      return { effect: "BOOKING_REDEEMED", movedPence: booking.pricePence };
    }
    if (booking.status === "NO_SHOW") {
      // The hold already went back to the wallet (or the budget, once the allocation ended): take it from there.
      await tx.booking.update({ where: { id: booking.id }, data: { status: "REDEEMED" } });
      const created = await createRedemption(tx, booking, providerId, actor);
      if (booking.pricePence > 0) {
        try {
          await postTransfer(tx, {
            councilId: booking.councilId,
            kind: "CHARGE",
            debitAccountId: await refundAccountOf(tx, booking),
            creditAccountId: await providerPayableAccountId(tx, booking.councilId, providerId),
            amountPence: booking.pricePence,
            idempotencyKey: `dispute-pay:${dispute.id}`,
            bookingId: booking.id,
            redemptionId: created,
            reason: "Paid to the provider after a dispute",
            actorUserId: actor.userId,
          });
        } catch (error) {
          if (isDomainError(error, "INSUFFICIENT_FUNDS")) {
            throw cannot("The credit released from this booking has since been spent, so it cannot be paid from the young person's pass. Choose “No action” and pay the provider another way.");
          }
          throw error;
        }
      }
      return { effect: "CHARGED_AFTER_RELEASE", movedPence: booking.pricePence };
    }
    throw cannot("This booking was cancelled and its place given back, so it cannot be paid. Choose “No action”.");
  }

  // REFUND_YOUNG_PERSON
  if (redemption) {
    if (redemption.payoutId || redemption.status === "IN_PAYOUT" || redemption.status === "PAID") {
      throw cannot("This redemption is already in a payout to the provider, so it cannot be refunded here. Recover it from the provider and record “No action”.");
    }
    // Held back from payouts from now on (the refund decision keeps it out of makeDueRedemptionsPayable).
    const held = await tx.redemption.updateMany({ where: { id: redemption.id, payoutId: null, status: { in: ["PENDING", "PAYABLE"] } }, data: { status: "PENDING" } });
    if (held.count === 0) throw cannot("This redemption was just taken into a payout, so it cannot be refunded here. Recover it from the provider and record “No action”.");
    if (redemption.amountPence > 0) {
      await postTransfer(tx, {
        councilId: booking.councilId,
        kind: "CANCEL",
        debitAccountId: await providerPayableAccountId(tx, booking.councilId, redemption.providerId),
        creditAccountId: await refundAccountOf(tx, booking),
        amountPence: redemption.amountPence,
        idempotencyKey: `dispute-refund:${redemption.id}`,
        bookingId: booking.id,
        redemptionId: redemption.id,
        reason: "Refunded to the young person after a dispute",
        actorUserId: actor.userId,
      });
    }
    return { effect: "REDEMPTION_REVERSED", movedPence: redemption.amountPence };
  }
  if (booking.status === "CONFIRMED") {
    // Not redeemed and not coming back to the door: end it as a no-show now, with the credit back.
    await tx.booking.update({ where: { id: booking.id }, data: { status: "NO_SHOW", endedAt: actor.now } });
    await endHold(tx, booking, { kind: "NO_SHOW_RELEASE", accountId: await refundAccountOf(tx, booking), actorUserId: actor.userId });
    return { effect: "HOLD_RELEASED", movedPence: booking.pricePence };
  }
  // Cancelled or released as a no-show: the credit is already back.
  return { effect: "NOTHING_MOVED", movedPence: 0 };
}

async function createRedemption(
  tx: DbTx,
  booking: { id: string; councilId: string; youngPersonId: string; pricePence: number },
  providerId: string,
  actor: { userId: string; name: string; now: Date },
) {
  // The officer's decision ends the dispute window for it: payable at once.
  const redemption = await tx.redemption.create({
    data: {
      councilId: booking.councilId,
      providerId,
      youngPersonId: booking.youngPersonId,
      bookingId: booking.id,
      amountPence: booking.pricePence,
      method: "BOOKING_CODE",
      redeemedAt: actor.now,
      redeemedByUserId: actor.userId,
      redeemedByName: `${actor.name} (council decision)`,
      payableAt: actor.now,
      idempotencyKey: `redeem:${booking.id}`,
    },
    select: { id: true },
  });
  return redemption.id;
}

/** A council's disputes, open ones oldest first (a queue), decided ones newest first. */
export async function listDisputes(db: DbTx, input: { councilId: string; status: DisputeStatus }) {
  return db.dispute.findMany({
    where: { councilId: input.councilId, status: input.status },
    orderBy: { createdAt: input.status === "OPEN" ? "asc" : "desc" },
    take: 200,
    select: {
      id: true,
      kind: true,
      detail: true,
      createdAt: true,
      decision: true,
      decidedAt: true,
      provider: { select: { name: true } },
      booking: { select: { code: true, pricePence: true } },
    },
  });
}

export async function countOpenDisputes(db: DbTx, councilId: string) {
  return db.dispute.count({ where: { councilId, status: "OPEN" } });
}

/** One dispute of the council with what an officer needs to decide it. */
export async function disputeDetail(db: DbTx, input: { councilId: string; disputeId: string }) {
  const dispute = await db.dispute.findFirst({
    where: { id: input.disputeId, councilId: input.councilId },
    select: {
      id: true,
      kind: true,
      detail: true,
      status: true,
      decision: true,
      decisionNote: true,
      decidedAt: true,
      decidedByUserId: true,
      createdAt: true,
      provider: { select: { id: true, name: true } },
      report: { select: { reference: true, source: true, createdAt: true } },
      booking: {
        select: {
          code: true,
          status: true,
          pricePence: true,
          youngPerson: { select: { firstName: true, lastName: true } },
          slot: { select: { startsAt: true, endsAt: true, activity: { select: { title: true } } } },
        },
      },
      redemption: { select: { redeemedAt: true, redeemedByName: true, amountPence: true, status: true, method: true } },
    },
  });
  if (!dispute) throw new DomainError("NOT_FOUND", "We could not find that dispute.");
  const decidedBy = dispute.decidedByUserId ? await db.user.findUnique({ where: { id: dispute.decidedByUserId }, select: { displayName: true } }) : null;
  return { ...dispute, decidedByName: decidedBy?.displayName ?? null };
}
