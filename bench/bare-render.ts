// The baseline for page throughput: a bare node:http server that renders the same HTML a Playpass page sent,
// as a React element tree through renderToString, per request, with no data loading, session or middleware.
// It is what this machine can do for the rendering alone.
//
// Run: node --import tsx bench/bare-render.ts <port> <pages.json>   (pages.json: { "/path": "<html>" })
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";

type HtmlNode = { tag: string; attrs: Record<string, string | true>; children: HtmlNode[]; raw?: string } | string;

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]);
const RAW_TEXT = new Set(["script", "style"]);
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === "#") return String.fromCodePoint(code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/** Parses the well-formed HTML React writes (not HTML in general) into a tree. */
export function parseHtml(html: string): HtmlNode {
  const root: { tag: string; attrs: Record<string, string | true>; children: HtmlNode[] } = { tag: "#root", attrs: {}, children: [] };
  const stack = [root];
  const tagPattern = /<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<\/([a-zA-Z0-9-]+)\s*>|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
  let at = 0;
  for (let match = tagPattern.exec(html); match; match = tagPattern.exec(html)) {
    const top = stack[stack.length - 1]!;
    if (match.index > at) top.children.push(decode(html.slice(at, match.index)));
    at = tagPattern.lastIndex;
    const [whole, closing, opening, attrText, selfClosing] = match;
    if (whole.startsWith("<!")) continue;
    if (closing) {
      while (stack.length > 1 && stack.pop()!.tag !== closing.toLowerCase()) {
        // an element React left unclosed (never happens with React's output): close it here
      }
      continue;
    }
    const tag = opening!.toLowerCase();
    const attrs: Record<string, string | true> = {};
    for (const a of (attrText ?? "").matchAll(/([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      const value = a[2] ?? a[3] ?? a[4];
      attrs[a[1]!] = value === undefined ? true : decode(value);
    }
    const node = { tag, attrs, children: [] as HtmlNode[], raw: undefined as string | undefined };
    top.children.push(node);
    if (RAW_TEXT.has(tag)) {
      const end = html.indexOf(`</${tag}>`, at);
      node.raw = html.slice(at, end);
      at = end + tag.length + 3;
      tagPattern.lastIndex = at;
    } else if (!VOID.has(tag) && !selfClosing) {
      stack.push(node);
    }
  }
  if (at < html.length) stack[stack.length - 1]!.children.push(decode(html.slice(at)));
  return root.children.find((c) => typeof c !== "string" && c.tag === "html") ?? root;
}

const PROP_NAMES: Record<string, string> = {
  class: "className",
  for: "htmlFor",
  charset: "charSet",
  "http-equiv": "httpEquiv",
  tabindex: "tabIndex",
  crossorigin: "crossOrigin",
  autocomplete: "autoComplete",
  enctype: "encType",
  readonly: "readOnly",
  maxlength: "maxLength",
  minlength: "minLength",
  inputmode: "inputMode",
  srcset: "srcSet",
  colspan: "colSpan",
  rowspan: "rowSpan",
  datetime: "dateTime",
  novalidate: "noValidate",
  autofocus: "autoFocus",
  spellcheck: "spellCheck",
  fetchpriority: "fetchPriority",
  nomodule: "noModule",
};

function styleObject(text: string): Record<string, string> {
  const style: Record<string, string> = {};
  for (const declaration of text.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon < 0) continue;
    const name = declaration.slice(0, colon).trim();
    const key = name.startsWith("--") ? name : name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    style[key] = declaration.slice(colon + 1).trim();
  }
  return style;
}

/** The React element tree for a parsed page: built anew for every request, as a component tree would be. */
export function toElement(node: HtmlNode, key?: number): ReactNode {
  if (typeof node === "string") return node;
  const props: Record<string, unknown> = key === undefined ? {} : { key };
  for (const [name, value] of Object.entries(node.attrs)) {
    if (name === "style" && typeof value === "string") props.style = styleObject(value);
    else props[PROP_NAMES[name] ?? name] = value;
  }
  // Form fields as the server sent them, without React asking for change handlers.
  if ("value" in props && (node.tag === "input" || node.tag === "textarea")) {
    props.defaultValue = props.value;
    delete props.value;
  }
  if ("checked" in props) {
    props.defaultChecked = true;
    delete props.checked;
  }
  if (node.raw !== undefined) return createElement(node.tag, { ...props, dangerouslySetInnerHTML: { __html: node.raw } });
  if (VOID.has(node.tag)) return createElement(node.tag, props);
  return createElement(node.tag, props, ...node.children.map((child, i) => toElement(child, i)));
}

function main() {
  const port = Number(process.argv[2]);
  const pages = JSON.parse(readFileSync(process.argv[3]!, "utf8")) as Record<string, string>;
  const trees = new Map(Object.entries(pages).map(([path, html]) => [path, parseHtml(html)]));
  const server = createServer((req, res) => {
    const tree = trees.get(req.url ?? "");
    if (!tree) {
      res.writeHead(404).end();
      return;
    }
    const html = "<!DOCTYPE html>" + renderToString(toElement(tree) as React.ReactElement);
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(html);
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => process.stdout.write(`bare render listening on ${port}\n`));
  process.once("SIGTERM", () => server.close(() => process.exit(0)));
}

if (process.argv[1]?.endsWith("bare-render.ts")) main();
