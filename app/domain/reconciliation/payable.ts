// After the dispute window, redemptions of every council become payable.
import type { Db } from "~/lib/db.server";
import { makeRedemptionsPayable } from "../settlement";

/** Runs makeRedemptionsPayable for each council that has a redemption past its dispute window. */
export async function makeDueRedemptionsPayable(db: Db, input: { now: Date }) {
  const councils = await db.redemption.findMany({
    where: { status: "PENDING", payableAt: { lte: input.now } },
    distinct: ["councilId"],
    select: { councilId: true },
    orderBy: { councilId: "asc" },
  });
  let madePayable = 0;
  for (const { councilId } of councils) madePayable += await makeRedemptionsPayable(db, { councilId, now: input.now });
  return { councils: councils.length, madePayable };
}
