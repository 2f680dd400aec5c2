import { defineConfig } from "prisma/config";

// The CLI reads the same DATABASE_URL as the app; the default is the local development database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/playpass" },
});
