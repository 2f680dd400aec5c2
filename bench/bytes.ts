// What a page costs a phone on poor data: every script and stylesheet its HTML names (module preloads, the
// entry's imports, the Remix manifest), each gzipped as the server would send it, plus the gzipped HTML.
import { gzipSync } from "node:zlib";

export type PageBytes = { path: string; jsGzip: number; cssGzip: number; htmlGzip: number; totalGzip: number; totalRaw: number; scripts: number };

const gzipSize = (body: Buffer) => gzipSync(body, { level: 6 }).length;

export async function pageBytes(baseUrl: string, path: string, html: string, assetCache: Map<string, Buffer>): Promise<PageBytes> {
  const scripts = new Set(html.match(/\/assets\/[^"'\s)]+\.js/g) ?? []);
  const styles = new Set(html.match(/\/assets\/[^"'\s)]+\.css/g) ?? []);
  const fetchAsset = async (asset: string) => {
    let body = assetCache.get(asset);
    if (!body) {
      const response = await fetch(new URL(asset, baseUrl));
      if (!response.ok) throw new Error(`${asset} answered ${response.status}`);
      body = Buffer.from(await response.arrayBuffer());
      assetCache.set(asset, body);
    }
    return body;
  };
  let jsGzip = 0;
  let cssGzip = 0;
  let totalRaw = Buffer.byteLength(html);
  for (const asset of scripts) {
    const body = await fetchAsset(asset);
    jsGzip += gzipSize(body);
    totalRaw += body.length;
  }
  for (const asset of styles) {
    const body = await fetchAsset(asset);
    cssGzip += gzipSize(body);
    totalRaw += body.length;
  }
  const htmlGzip = gzipSize(Buffer.from(html));
  return { path, jsGzip, cssGzip, htmlGzip, totalGzip: jsGzip + cssGzip + htmlGzip, totalRaw, scripts: scripts.size };
}
