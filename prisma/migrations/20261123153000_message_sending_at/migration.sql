-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "sendingAt" TIMESTAMPTZ(3);
