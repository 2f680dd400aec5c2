// Ending a booking's hold: the one place credit leaves a hold, so it happens exactly once per booking.
import type { DbTx } from "~/lib/db.server";
import type { TransferKind } from "~/generated/prisma/enums";
import { postTransfer, programmeBudgetAccountId } from "../ledger";

/**
 * Moves a booking's held credit to where it ends (back to the wallet, or to the provider).
 * Every ending shares one idempotency key, so a hold can never be released and redeemed both.
 */
export async function endHold(
  tx: DbTx,
  booking: { id: string; councilId: string; pricePence: number },
  to: { kind: Extract<TransferKind, "CANCEL" | "PROVIDER_CANCEL" | "NO_SHOW_RELEASE" | "REDEEM">; accountId: string; redemptionId?: string; actorUserId?: string },
) {
  if (booking.pricePence === 0) return;
  const hold = await tx.account.findUniqueOrThrow({ where: { bookingId: booking.id }, select: { id: true } });
  await postTransfer(tx, {
    councilId: booking.councilId,
    kind: to.kind,
    debitAccountId: hold.id,
    creditAccountId: to.accountId,
    amountPence: booking.pricePence,
    idempotencyKey: `hold-end:${booking.id}`,
    bookingId: booking.id,
    redemptionId: to.redemptionId,
    actorUserId: to.actorUserId,
  });
}

/** Gives a place back to its slot. */
export async function releasePlace(tx: DbTx, slotId: string) {
  await tx.$executeRaw`UPDATE "Slot" SET "booked" = "booked" - 1 WHERE "id" = ${slotId}::uuid`;
}

/**
 * Where a released hold goes back to: the allocation's wallet while it can be spent, or the programme
 * budget once the allocation is revoked or expired (its unspent credit already went back there, and
 * nothing would ever move credit out of a dead wallet). Takes the allocation lock booking takes (FOR SHARE),
 * so revoking or expiring cannot slip between this check and the transfer.
 */
export async function refundAccountOf(tx: DbTx, booking: { councilId: string; allocationId: string }): Promise<string> {
  const [allocation] = await tx.$queryRaw<{ status: string; programmeId: string; walletId: string }[]>`
    SELECT al."status", al."programmeId", w."id" AS "walletId"
    FROM "Allocation" al JOIN "Account" w ON w."allocationId" = al."id"
    WHERE al."id" = ${booking.allocationId}::uuid
    FOR SHARE OF al`;
  if (!allocation) throw new Error(`booking: allocation ${booking.allocationId} has no wallet`);
  if (allocation.status === "REVOKED" || allocation.status === "EXPIRED") {
    return programmeBudgetAccountId(tx, booking.councilId, allocation.programmeId);
  }
  return allocation.walletId;
}
