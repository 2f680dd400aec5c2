// Health check for load balancers: PostgreSQL and Redis both answer.
import { getDb } from "~/lib/db.server";
import { readyRedis } from "~/lib/redis.server";

export async function loader() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    await (await readyRedis()).ping();
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ ok: false }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
