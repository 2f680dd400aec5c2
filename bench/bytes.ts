// What a page costs a phone on poor data: every script the page loads, each gzipped as the server would send it,
// plus its stylesheets and the gzipped HTML. The scripts are the module preloads, the inline module script's imports
// and, followed through each script in turn, everything those import (statically or lazily with import(), so a lazy
// chunk the page may need counts too). Route modules the inline manifest only names for later navigation (with lazy
// route discovery it lists the routes of the page's parent paths, such as explore and home) and the manifest file
// its `url` names are not loaded with the page, so they are reported apart as `laterGzip` and not counted.
import { gzipSync } from "node:zlib";

export type PageBytes = {
  path: string;
  jsGzip: number;
  cssGzip: number;
  htmlGzip: number;
  totalGzip: number;
  totalRaw: number;
  scripts: number;
  /** Scripts the HTML names but the page does not load (routes for later navigation, the manifest file), gzipped. */
  laterGzip: number;
  /** Every script counted in jsGzip, by path. */
  scriptPaths: string[];
};

const gzipSize = (body: Buffer) => gzipSync(body, { level: 6 }).length;

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** The scripts a page's HTML makes the browser load: module preloads, and the inline module script's imports. */
export function scriptsOfHtml(html: string): string[] {
  const found = new Set<string>();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const href = attribute(tag, "href");
    if (attribute(tag, "rel") === "modulepreload" && href) found.add(href);
  }
  for (const [, attributes, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const src = attribute(attributes!, "src");
    if (src) found.add(src);
    if (/\stype="module"/.test(attributes!)) for (const specifier of importsOf(body!)) found.add(specifier);
  }
  return [...found];
}

/** The modules a script imports: `import ... from "x"`, `import "x"` and `import("x")`. */
export function importsOf(code: string): string[] {
  const found = new Set<string>();
  for (const [, specifier] of code.matchAll(/\bfrom\s*["']([^"']+\.js)["']/g)) found.add(specifier!);
  for (const [, specifier] of code.matchAll(/\bimport\s*\(?\s*["']([^"']+\.js)["']/g)) found.add(specifier!);
  return [...found];
}

/** The chunks a built script loads: its imports, and the "assets/x.js" lists Vite preloads with a lazy import(). */
export function chunksOf(code: string): string[] {
  const found = new Set(importsOf(code));
  for (const [, asset] of code.matchAll(/["'](assets\/[^"'\s]+\.js)["']/g)) found.add(asset!);
  return [...found];
}

/** Resolves a specifier found in `from` (a page path or an asset path) to an absolute asset path on this server. */
function resolve(specifier: string, from: string) {
  if (specifier.startsWith("/")) return specifier;
  if (specifier.startsWith("assets/")) return `/${specifier}`; // Vite's preload lists are relative to the site root
  return new URL(specifier, new URL(from, "http://page")).pathname;
}

export async function pageBytes(baseUrl: string, path: string, html: string, assetCache: Map<string, Buffer>): Promise<PageBytes> {
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

  const loaded = new Set<string>();
  const queue = scriptsOfHtml(html).map((specifier) => resolve(specifier, path));
  while (queue.length > 0) {
    const script = queue.shift()!;
    if (loaded.has(script)) continue;
    loaded.add(script);
    const code = (await fetchAsset(script)).toString("utf8");
    for (const specifier of chunksOf(code)) queue.push(resolve(specifier, script));
  }
  const styles = new Set<string>();
  for (const [tag] of html.matchAll(/<link\b[^>]*>/g)) {
    const href = attribute(tag, "href");
    if (attribute(tag, "rel") === "stylesheet" && href) styles.add(resolve(href, path));
  }

  let jsGzip = 0;
  let cssGzip = 0;
  let totalRaw = Buffer.byteLength(html);
  for (const asset of loaded) {
    const body = await fetchAsset(asset);
    jsGzip += gzipSize(body);
    totalRaw += body.length;
  }
  for (const asset of styles) {
    const body = await fetchAsset(asset);
    cssGzip += gzipSize(body);
    totalRaw += body.length;
  }
  let laterGzip = 0;
  for (const named of new Set(html.match(/\/assets\/[^"'\s)]+\.js/g) ?? [])) {
    if (!loaded.has(named)) laterGzip += gzipSize(await fetchAsset(named));
  }
  const htmlGzip = gzipSize(Buffer.from(html));
  const scriptPaths = [...loaded].sort();
  return { path, jsGzip, cssGzip, htmlGzip, totalGzip: jsGzip + cssGzip + htmlGzip, totalRaw, scripts: loaded.size, laterGzip, scriptPaths };
}
