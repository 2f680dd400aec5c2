// Health check for load balancers: PostgreSQL and Redis both answer.
import { getDb } from "~/lib/db.server";
import { getRedis } from "~/lib/redis.server";

export async function loader() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    await getRedis().ping();
    return Response.json({ ok: true }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ ok: false }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
