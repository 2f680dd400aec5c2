// What one signed-in young page costs the database: every SQL statement its loaders send, and how many of them
// wait for another (round trips in a row), for one young person of a bench database. Load does not change these
// counts, so they compare before and after on a busy machine where timings do not.
//
//   npx tsx bench/page-queries.ts --database playpass_bench_x [--person 1] [--sql]
//
// The database is one `npm run bench` seeded (it is read, and one session is added for the person).
import { randomBytes } from "node:crypto";
import pg from "pg";

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${arg("--database") ?? "playpass_bench"}`);
const PERSON = Number(arg("--person") ?? 1);
const SHOW_SQL = process.argv.includes("--sql");

process.env.DATABASE_URL = DATABASE_URL;
process.env.SESSION_SECRET ??= randomBytes(32).toString("hex");
process.env.NODE_ENV = "production";
process.env.LOG_LEVEL = "error";

type Statement = { sql: string; startedAt: number; endedAt: number };

async function main() {
  const { createPrismaClient, setDb } = await import("~/lib/db.server");
  const { startSession } = await import("~/lib/session.server");
  const db = createPrismaClient(DATABASE_URL, 20);
  setDb(db);
  let statements: Statement[] = [];
  db.$on("query", (event) => {
    const endedAt = performance.now();
    statements.push({ sql: event.query, startedAt: endedAt - event.duration, endedAt });
  });

  const raw = new pg.Client({ connectionString: DATABASE_URL });
  await raw.connect();
  const person = await raw.query<{ userId: string }>(`SELECT "userId" FROM "YoungPerson" WHERE "externalRef" = $1`, [`BENCH-${PERSON}`]);
  const activity = await raw.query<{ id: string }>(`SELECT a."id" FROM "Activity" a WHERE a."category" = 'FOOTBALL' ORDER BY a."title" OFFSET 1 LIMIT 1`);
  await raw.end();
  const cookie = (await startSession(new Request("http://localhost/"), person.rows[0]!.userId)).split(";")[0]!;

  const home = await import("~/routes/young._index");
  const activityPage = await import("~/routes/activities.$activityId");
  const pages: Array<[string, (request: Request) => Promise<unknown>]> = [
    ["Home /young", (request) => home.loader({ request, params: {}, context: {} })],
    ["Activity page", (request) => activityPage.loader({ request, params: { activityId: activity.rows[0]!.id }, context: {} })],
  ];
  for (const [name, loader] of pages) {
    const request = () => new Request("http://localhost/", { headers: { Cookie: cookie } });
    await loader(request()); // warm: Prisma compiles each query shape once
    statements = [];
    await loader(request());
    const sorted = [...statements].sort((a, b) => a.startedAt - b.startedAt);
    // Round trips in a row: each statement that starts after every earlier one has ended begins a new wave.
    let waves = 0;
    let waveEnd = -Infinity;
    for (const s of sorted) {
      if (s.startedAt >= waveEnd - 0.05) waves++;
      waveEnd = Math.max(waveEnd, s.endedAt);
    }
    process.stdout.write(`${name}: ${statements.length} statements in ${waves} waves\n`);
    if (SHOW_SQL) for (const s of sorted) process.stdout.write(`  ${(s.endedAt - s.startedAt).toFixed(1).padStart(7)} ms  ${s.sql.replace(/\s+/g, " ").slice(0, 200)}\n`);
  }
  await db.$disconnect();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
