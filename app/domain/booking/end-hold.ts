// Ending a booking's hold: the one place credit leaves a hold, so it happens exactly once per booking.
import type { DbTx } from "~/lib/db.server";
import type { TransferKind } from "~/generated/prisma/enums";
import { postTransfer } from "../ledger";

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

export async function walletIdOf(tx: DbTx, allocationId: string): Promise<string> {
  const wallet = await tx.account.findUniqueOrThrow({ where: { allocationId }, select: { id: true } });
  return wallet.id;
}
