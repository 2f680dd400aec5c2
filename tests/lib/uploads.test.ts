import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isDomainError } from "~/domain/errors";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { fileResponse, MB, readFormFile, readStoredFile, sniffFileType, storeFile } from "~/lib/uploads.server";

const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

function formWith(name: string, bytes: Uint8Array<ArrayBuffer>, type = "application/octet-stream") {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  return form;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "playpass-uploads-"));
  process.env.UPLOAD_DIR = dir;
  resetEnvForTests();
});

describe("uploads", () => {
  it("knows a file by its bytes, not its name", () => {
    expect(sniffFileType(PDF)).toBe("pdf");
    expect(sniffFileType(PNG)).toBe("png");
    expect(sniffFileType(new TextEncoder().encode("ref,first_name\n1,Sam\n"))).toBe("csv");
    expect(sniffFileType(new TextEncoder().encode("<!DOCTYPE html><script>alert(1)</script>"))).toBeNull();
    expect(sniffFileType(new Uint8Array([0x61, 0x00, 0x62]))).toBeNull();
    expect(sniffFileType(new Uint8Array([0xc3, 0x28]))).toBeNull(); // not UTF-8
  });

  it("refuses an HTML page named like a PDF, saying what it must be", async () => {
    const form = formWith("policy.pdf", new TextEncoder().encode("<html><body>hi</body></html>"), "application/pdf");
    const error = await readFormFile(form, "file", { accept: ["pdf"], maxBytes: MB, label: "your safeguarding policy" }).catch((e) => e);
    expect(isDomainError(error, "INVALID_INPUT")).toBe(true);
    expect(error.message).toBe("Your safeguarding policy must be a PDF.");
    expect(error.field).toBe("file");
  });

  it("refuses a missing and an oversized file", async () => {
    const missing = await readFormFile(new FormData(), "file", { accept: ["pdf"], maxBytes: MB, label: "a PDF" }).catch((e) => e);
    expect(missing.message).toBe("Choose a PDF to upload.");
    const big = new Uint8Array(2 * MB);
    big.set(PDF);
    const tooBig = await readFormFile(formWith("big.pdf", big), "file", { accept: ["pdf"], maxBytes: MB, label: "the insurance certificate" }).catch((e) => e);
    expect(tooBig.message).toBe("The insurance certificate must be 1 MB or smaller.");
  });

  it("stores a file under a random name and reads it back", async () => {
    const checked = await readFormFile(formWith("../../etc/Policy 2026.pdf", PDF), "file", { accept: ["pdf"], maxBytes: MB, label: "a PDF" });
    expect(checked.originalName).toBe("Policy 2026.pdf");
    const stored = await storeFile(getDb(), { ...checked, kind: "SAFEGUARDING_POLICY" });
    expect(stored.storedName).toMatch(/^[0-9a-f]{32}\.pdf$/);
    expect(stored.contentType).toBe("application/pdf");
    expect(await readdir(dir)).toEqual([stored.storedName]);
    expect(new Uint8Array(await readStoredFile(stored))).toEqual(PDF);
  });

  it("serves downloads so that no browser renders them as a page", async () => {
    const response = fileResponse({ originalName: "Policy.pdf", contentType: "application/pdf" }, Buffer.from(PDF));
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
  });
});
