// The HTML document every page shares: head, skip link, stylesheet, and the last-resort error page.
import "~/ui/zod-jitless";
import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration, useLocation, useRouteError } from "@remix-run/react";
import type { ReactNode } from "react";
import stylesheet from "~/styles/app.css?url";
import youngStyles from "~/styles/young.css?url";
import providerStyles from "~/styles/provider.css?url";
import councilStyles from "~/styles/council.css?url";
import adminStyles from "~/styles/admin.css?url";
import { useNonce } from "~/ui/nonce";
import { PublicShell } from "~/ui/shells";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "stylesheet", href: youngStyles },
  { rel: "stylesheet", href: providerStyles },
  { rel: "stylesheet", href: councilStyles },
  { rel: "stylesheet", href: adminStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "manifest", href: "/manifest.webmanifest" },
];

// Routes set their own titles; this one covers pages that fail before they can.
export const meta: MetaFunction = ({ error }) => [{ title: error ? "Something went wrong – Playpass" : "Playpass" }];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#5b21b6" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to main content
        </a>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

type ErrorPage = { title: string; body: ReactNode };

// Plain words for the errors people meet; anything else is "a problem with the service".
function describe(status: number, here: string): ErrorPage {
  switch (status) {
    case 400:
      return { title: "Something in that request was not right", body: "Go back and try again." };
    case 401:
      return {
        title: "Sign in to see this page",
        body: (
          <>
            <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>Sign in</Link> and you will be brought back here.
          </>
        ),
      };
    case 403:
      return {
        title: "You cannot see this page",
        body: "Your account does not have access to it. If you think it should, ask the person who set up your account.",
      };
    case 404:
      return {
        title: "Page not found",
        body: "If you typed the web address, check it is correct. If you followed a link, the page may have moved or the activity may have finished.",
      };
    case 429:
      return { title: "Too many tries", body: "Wait a few minutes, then try again." };
    default:
      return { title: "Sorry, there is a problem with the service", body: "Try again later. If you were booking something, check your bookings before you try again." };
  }
}

export function ErrorBoundary() {
  const error = useRouteError();
  const location = useLocation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const page = describe(status, location.pathname + location.search);
  // A route may explain itself with `throw data({ message: "..." }, { status })`.
  const routeMessage =
    isRouteErrorResponse(error) && typeof error.data === "object" && error.data !== null && typeof error.data.message === "string"
      ? (error.data.message as string)
      : null;
  // Only development shows the internals; production never shows a stack trace.
  const devDetail = import.meta.env.DEV && error instanceof Error ? (error.stack ?? error.message) : null;

  return (
    <PublicShell>
      <h1>{page.title}</h1>
      {routeMessage ? <p>{routeMessage}</p> : null}
      <p>{page.body}</p>
      <p>
        <Link to="/" className="button">
          Go to the home page
        </Link>
      </p>
      <p className="hint">Error code {status}</p>
      {devDetail ? <pre className="error-detail">{devDetail}</pre> : null}
    </PublicShell>
  );
}
