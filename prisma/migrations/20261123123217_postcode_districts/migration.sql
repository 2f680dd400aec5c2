-- CreateTable
CREATE TABLE "PostcodeDistrict" (
    "outwardCode" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PostcodeDistrict_pkey" PRIMARY KEY ("outwardCode")
);


-- A district is an upper-case outward code on Earth.
ALTER TABLE "PostcodeDistrict" ADD CONSTRAINT "PostcodeDistrict_sane"
  CHECK ("outwardCode" ~ '^[A-Z]{1,2}[0-9][0-9A-Z]?$' AND "latitude" BETWEEN -90 AND 90 AND "longitude" BETWEEN -180 AND 180);
