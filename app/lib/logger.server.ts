// Structured JSON logs. Codes, tokens and bank details are redacted by key name wherever they appear.
import { pino } from "pino";
import { getEnv } from "./env.server";

const REDACTED_KEYS = ["code", "token", "otp", "passCode", "activationCode", "accountNumber", "sortCode", "cookie", "authorization", "secret", "password"];

export const logger = pino({
  level: process.env.NODE_ENV === "test" ? (process.env.LOG_LEVEL ?? "silent") : getEnv().LOG_LEVEL,
  redact: {
    paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
    censor: "[redacted]",
  },
  base: { service: process.env.PLAYPASS_SERVICE ?? (/workers/.test(process.argv[1] ?? "") ? "workers" : "web") },
});
