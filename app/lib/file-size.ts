// File sizes as people read them; safe in the browser, so forms can show the limits.
export const MB = 1024 * 1024;

/** "10 MB", "512 KB": a size limit as people read it. */
export function formatFileSize(bytes: number): string {
  return bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;
}
