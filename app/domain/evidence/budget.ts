// Where a council's money is right now, read straight from ledger balances.
import type { Db } from "~/lib/db.server";
import { penceFromBigInt } from "../money";

export async function councilMoneySummary(db: Db, councilId: string) {
  const [council, byType, programmes, youngPeople, activePasses] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    db.account.groupBy({ by: ["type"], where: { councilId }, _sum: { balancePence: true } }),
    db.programme.findMany({
      where: { councilId },
      select: { id: true, name: true, budgetPence: true, endsOn: true, status: true, accounts: { where: { type: "PROGRAMME_BUDGET" }, select: { balancePence: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.youngPerson.count({ where: { councilId } }),
    db.allocation.count({ where: { councilId, status: "ACTIVE" } }),
  ]);
  const total = (type: string) => penceFromBigInt(byType.find((t) => t.type === type)?._sum.balancePence ?? 0n);
  return {
    councilName: council.name,
    fundedPence: -total("COUNCIL_FUNDING"),
    unissuedPence: total("PROGRAMME_BUDGET"),
    inWalletsPence: total("WALLET"),
    heldByBookingsPence: total("BOOKING_HOLD"),
    owedToProvidersPence: total("PROVIDER_PAYABLE"),
    payoutsInFlightPence: total("PAYOUT_IN_FLIGHT"),
    paidOutPence: total("PAID_OUT"),
    youngPeople,
    activePasses,
    programmes: programmes.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      budgetPence: p.budgetPence,
      endsOn: p.endsOn.toISOString().slice(0, 10),
      unissuedPence: penceFromBigInt(p.accounts[0]?.balancePence ?? 0n),
    })),
  };
}
