// The /privacy page shows the whole inventory, in the words of the inventory, to anyone; a signed-in young person
// also gets the "Download my data" link.
import { createElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { CONTROLLER_AND_BASIS, INVENTORY } from "~/domain/privacy/inventory";
import PrivacyPage, { loader } from "~/routes/privacy";
import { createYoungPerson } from "../factories";
import { createMember, getRequest, routeArgs, signIn, unwrap } from "../support/actors";

let loaderData: unknown = null;
type LinkProps = { to: string; children?: ReactNode; [key: string]: unknown };
vi.mock("@remix-run/react", async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  useLoaderData: () => loaderData,
  Link: ({ to, children, ...rest }: LinkProps) => createElement("a", { href: to, ...rest }, children),
  NavLink: ({ to, children, end: _end, prefetch: _prefetch, ...rest }: LinkProps) => createElement("a", { href: to, ...rest }, children),
  Form: ({ children, ...rest }: { children?: ReactNode }) => createElement("form", rest, children),
}));

async function render(request: Request) {
  loaderData = unwrap(await loader(routeArgs(request))).data;
  // React escapes apostrophes in text; compare with the words as written.
  return renderToStaticMarkup(createElement(PrivacyPage)).replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
}

describe("the privacy page", () => {
  it("shows every item of the inventory, who is in charge and the lawful basis, to someone signed out", async () => {
    const html = await render(getRequest("/privacy"));
    for (const item of INVENTORY) for (const words of [item.what, item.why, item.whoSees, item.howLong]) expect(html).toContain(words);
    for (const words of Object.values(CONTROLLER_AND_BASIS)) expect(html).toContain(words);
    expect(html).not.toContain("/young/my-data.json");
    expect(html).toContain('href="/privacy"');
  });

  it("offers a signed-in young person their own data as a download", async () => {
    const { youngPerson } = await createYoungPerson({ withAllocation: false });
    const user = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
    const html = await render(getRequest("/privacy", await signIn(user.id)));
    expect(html).toMatch(/<a href="\/young\/my-data\.json" download="">Download my data<\/a>/);
  });
});
