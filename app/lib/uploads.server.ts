// Uploaded files: read from a multipart form within a size limit, checked by their bytes (not
// their name), kept under UPLOAD_DIR by a random name, and recorded as a StoredFile.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  unstable_composeUploadHandlers,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  MaxPartSizeExceededError,
} from "@remix-run/node";
import { DomainError } from "~/domain/errors";
import type { FileKind } from "~/generated/prisma/enums";
import type { DbTx } from "./db.server";
import { getEnv } from "./env.server";
import { formRefusal, readForm, requireCleanText } from "./forms.server";
import { formatFileSize, MB } from "./file-size";

/** What a file's bytes say it is. Only these are ever accepted. */
export type FileType = "pdf" | "png" | "jpeg" | "webp" | "csv";

const CONTENT_TYPES: Record<FileType, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  csv: "text/csv; charset=utf-8",
};

const DESCRIPTIONS: Record<FileType, string> = { pdf: "a PDF", png: "a PNG image", jpeg: "a JPEG photo", webp: "a WebP image", csv: "a CSV file" };

export { MB };

export class UploadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super("INVALID_INPUT", `The file is too large: the limit is ${formatFileSize(maxBytes)}.`);
  }
}

/**
 * Parses a multipart form, keeping file parts in memory up to `maxFileBytes` each.
 * A larger file is a DomainError with a plain message, before the rest is read.
 */
export async function parseUploadForm(request: Request, { maxFileBytes }: { maxFileBytes: number }): Promise<FormData> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.startsWith("multipart/form-data")) return readForm(request);
  const handler = unstable_composeUploadHandlers(unstable_createMemoryUploadHandler({ maxPartSize: maxFileBytes }));
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, handler);
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw new UploadTooLargeError(maxFileBytes);
    // No boundary, a cut-off body, a broken part: the sender's mistake, not ours.
    formRefusal("The form could not be read: it arrived incomplete or malformed. Reload the page and send it again.", 400);
  }
  requireCleanText(form);
  return form;
}

/** The type the bytes show, or null. CSV means UTF-8 text with no NUL bytes (a BOM is allowed). */
export function sniffFileType(bytes: Uint8Array): FileType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return "pdf"; // %PDF-
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return "webp";
  if (bytes.length > 0 && !bytes.includes(0) && isUtf8(bytes) && !looksLikeHtml(bytes)) return "csv";
  return null;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  return head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<script") || head.startsWith("<svg");
}

type FileRules = { accept: FileType[]; maxBytes: number; label: string };

/**
 * Checks a form's file field against the rules and returns its bytes and type, or throws a
 * DomainError naming the field: missing, empty, too large, or not one of the accepted types.
 */
export async function readFormFile(form: FormData, field: string, rules: FileRules): Promise<{ bytes: Uint8Array; type: FileType; originalName: string }> {
  const value = form.get(field);
  if (!(value instanceof File) || value.size === 0) throw new DomainError("INVALID_INPUT", `Choose ${rules.label} to upload.`, field);
  if (value.size > rules.maxBytes) throw new DomainError("INVALID_INPUT", `${capitalise(rules.label)} must be ${formatFileSize(rules.maxBytes)} or smaller.`, field);
  const bytes = new Uint8Array(await value.arrayBuffer());
  const type = sniffFileType(bytes);
  if (!type || !rules.accept.includes(type)) {
    const accepted = rules.accept.map((t) => DESCRIPTIONS[t]);
    throw new DomainError("INVALID_INPUT", `${capitalise(rules.label)} must be ${joinOr(accepted)}.`, field);
  }
  return { bytes, type, originalName: cleanName(value.name) };
}

/** Writes the bytes under UPLOAD_DIR with a random name and records them. The row is what makes the file exist. */
export async function storeFile(
  db: DbTx,
  input: { bytes: Uint8Array; type: FileType; originalName: string; kind: FileKind; councilId?: string | null; providerId?: string | null; uploadedByUserId?: string | null },
) {
  const storedName = `${randomBytes(16).toString("hex")}.${input.type === "jpeg" ? "jpg" : input.type}`;
  const dir = uploadDir();
  await mkdir(dir, { recursive: true });
  const finalPath = path.join(dir, storedName);
  // Written aside then renamed, so a crash never leaves a half file under a recorded name.
  await writeFile(`${finalPath}.part`, input.bytes, { mode: 0o600 });
  await rename(`${finalPath}.part`, finalPath);
  try {
    return await db.storedFile.create({
      data: {
        kind: input.kind,
        councilId: input.councilId ?? null,
        providerId: input.providerId ?? null,
        originalName: input.originalName,
        storedName,
        contentType: CONTENT_TYPES[input.type],
        sizeBytes: input.bytes.byteLength,
        sha256: createHash("sha256").update(input.bytes).digest("hex"),
        uploadedByUserId: input.uploadedByUserId ?? null,
      },
    });
  } catch (error) {
    await unlink(finalPath).catch(() => undefined);
    throw error;
  }
}

/** A stored file's bytes. */
export async function readStoredFile(file: { storedName: string }): Promise<Buffer> {
  if (!/^[0-9a-f]{32}\.[a-z]+$/.test(file.storedName)) throw new Error(`Refusing odd stored name ${file.storedName}`);
  return readFile(path.join(uploadDir(), file.storedName));
}

/**
 * A download of a stored file that no browser will render as a page: its checked type,
 * nosniff, a sandbox CSP, and attachment unless it is an image.
 */
export function fileResponse(file: { originalName: string; contentType: string }, bytes: Buffer, { inline = false } = {}): Response {
  const disposition = inline && file.contentType.startsWith("image/") ? "inline" : "attachment";
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(bytes.byteLength),
      "Content-Disposition": `${disposition}; filename="${asciiName(file.originalName)}"; filename*=UTF-8''${encodeURIComponent(file.originalName)}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Cache-Control": "private, no-store",
    },
  });
}

function uploadDir() {
  return path.resolve(getEnv().UPLOAD_DIR);
}

function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "file";
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, "").slice(0, 200).trim();
  return cleaned || "file";
}

function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
}


function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function joinOr(items: string[]) {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}
