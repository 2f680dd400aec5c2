// The page frames for each kind of user: header, navigation and <main id="main">, and the look (data-theme).
import { Form, Link, NavLink } from "@remix-run/react";
import type { ReactNode } from "react";
import { Money } from "./money";

export type Theme = "young" | "provider" | "council";

type ShellProps = { children: ReactNode };

/** The Playpass mark and name, linking to the person's home page. */
export function Wordmark({ to }: { to: string }) {
  return (
    <Link to={to} className="wordmark">
      <svg className="wordmark__mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="9" className="wordmark__tile" />
        <path d="M12 9.5v13l11-6.5z" className="wordmark__play" />
      </svg>
      <span className="wordmark__name">Playpass</span>
    </Link>
  );
}

// Tabindex -1 lets the skip link move keyboard focus into <main>, not just scroll to it.
function Main({ children }: ShellProps) {
  return (
    <main id="main" className="page" tabIndex={-1}>
      {children}
      <p className="page__privacy"><Link to="/privacy">Privacy: what we keep and why</Link></p>
    </main>
  );
}

function SignOut() {
  return (
    <Form method="post" action="/logout" className="sign-out">
      <button type="submit" className="nav-button">
        Sign out
      </button>
    </Form>
  );
}

type YoungShellProps = ShellProps & {
  /** Shows the balance in the header when given. */
  balancePence?: number;
};

/** Young people's pages: a bold header, and tabs along the bottom of a phone screen. */
export function YoungShell({ balancePence, children }: YoungShellProps) {
  return (
    <div className="shell shell--tabs" data-theme="young">
      <header className="masthead">
        <div className="masthead__inner">
          <Wordmark to="/young" />
          {balancePence !== undefined ? (
            <p className="balance-chip">
              <span className="balance-chip__label">Balance</span> <Money pence={balancePence} />
            </p>
          ) : null}
        </div>
        <nav className="tabbar" aria-label="Main">
          <ul className="tabbar__list">
            <TabLink to="/young" end label="Home" icon={<path d="M4 11 12 4l8 7v9h-5v-6H9v6H4z" />} />
            <TabLink
              to="/"
              end
              label="Explore"
              icon={
                <>
                  <circle cx="12" cy="12" r="9" />
                  <path d="m15.5 8.5-2 5-5 2 2-5z" />
                </>
              }
            />
            <TabLink
              to="/young/favourites"
              label="Saved"
              icon={<path d="M12 20.5s-7.5-4.6-9.2-9.3C1.6 7.8 3.9 4.5 7.3 4.5c2 0 3.5 1.1 4.7 2.7 1.2-1.6 2.7-2.7 4.7-2.7 3.4 0 5.7 3.3 4.5 6.7-1.7 4.7-9.2 9.3-9.2 9.3z" />}
            />
            <TabLink
              to="/young/bookings"
              label="Bookings"
              icon={
                <>
                  <path d="M3 7a1 1 0 0 1 1-1h16a1 1 0 0 1 1 1v3a2 2 0 0 0 0 4v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a2 2 0 0 0 0-4z" />
                  <path d="M14 6v12" strokeDasharray="2 2" />
                </>
              }
            />
            <TabLink
              to="/young/pass"
              label="Pass"
              icon={
                <>
                  <rect x="4" y="4" width="16" height="16" rx="2" />
                  <path d="M8 8h3v3H8zM13 13h3v3h-3zM13 8h3M8 16h3" />
                </>
              }
            />
          </ul>
        </nav>
      </header>
      <Main>{children}</Main>
    </div>
  );
}

function TabLink({ to, label, icon, end = false }: { to: string; label: string; icon: ReactNode; end?: boolean }) {
  return (
    <li>
      {/* NavLink marks the current tab with aria-current="page", which the CSS also styles. */}
      <NavLink to={to} end={end} className="tabbar__link" prefetch="intent">
        <svg className="tabbar__icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          {icon}
        </svg>
        <span>{label}</span>
      </NavLink>
    </li>
  );
}

type NavItem = { to: string; label: string; end?: boolean };

/** A tool bar's links, then Sign out; NavLink marks the current page with aria-current. */
function NavList({ links }: { links: NavItem[] }) {
  return (
    <ul className="nav-list">
      {links.map((link) => (
        <li key={link.to}>
          <NavLink to={link.to} end={link.end} className="nav-link">
            {link.label}
          </NavLink>
        </li>
      ))}
      <li>
        <SignOut />
      </li>
    </ul>
  );
}

// Door staff see none of these: door mode has its own shell.
const PROVIDER_LINKS: NavItem[] = [
  { to: "/provider", label: "Today", end: true },
  { to: "/provider/door", label: "Door" },
  { to: "/provider/bookings", label: "Bookings" },
  { to: "/provider/activities", label: "Activities" },
  { to: "/provider/venues", label: "Venues" },
  { to: "/provider/attendance", label: "Attendance" },
  { to: "/provider/earnings", label: "Earnings" },
  { to: "/provider/payments", label: "Payments" },
  { to: "/provider/team", label: "Team" },
  { to: "/provider/api-keys", label: "API keys" },
  { to: "/provider/application", label: "Application" },
];

// Finance officers and officers share the menu; each page checks what the role may do.
const COUNCIL_LINKS: NavItem[] = [
  { to: "/council", label: "Overview", end: true },
  { to: "/council/budget", label: "Budget" },
  { to: "/council/evidence", label: "Evidence" },
  { to: "/council/providers", label: "Providers" },
  { to: "/council/disputes", label: "Disputes" },
  { to: "/council/payouts", label: "Payouts" },
  { to: "/council/programmes", label: "Programmes" },
  { to: "/council/young-people", label: "Young people" },
];

type ProviderShellProps = ShellProps & { providerName: string };

/** Provider pages: a compact tool bar, so the work fills the screen. */
export function ProviderShell({ providerName, children }: ProviderShellProps) {
  return (
    <div className="shell" data-theme="provider">
      <header className="topbar">
        <div className="topbar__inner">
          <Wordmark to="/provider" />
          <p className="topbar__org">{providerName}</p>
          <nav className="topbar__nav" aria-label="Provider">
            <NavList links={PROVIDER_LINKS} />
          </nav>
        </div>
      </header>
      <Main>{children}</Main>
    </div>
  );
}

type CouncilShellProps = ShellProps & { councilName: string };

/** Council pages: a plain black header in the GOV.UK manner, then dense, calm content. */
export function CouncilShell({ councilName, children }: CouncilShellProps) {
  return (
    <div className="shell" data-theme="council">
      <header className="gov-header">
        <div className="gov-header__inner">
          <Link to="/council" className="gov-header__brand">
            <span className="gov-header__council">{councilName}</span>
            <span className="gov-header__service">Playpass</span>
          </Link>
          <nav className="gov-header__nav" aria-label="Council">
            <NavList links={COUNCIL_LINKS} />
          </nav>
        </div>
      </header>
      <Main>{children}</Main>
    </div>
  );
}

type PublicShellProps = ShellProps & {
  /** Signed-in visitors get a link to their own home page instead of "Sign in". */
  homeHref?: string;
  /** The look; public pages are mostly read by young people. */
  theme?: Theme;
  /** Pages that are someone's home (guardian, admin): "Sign out" in place of the account link. */
  showSignOut?: boolean;
};

/** Pages anyone can see: the landing page, activity pages, signing in. */
export function PublicShell({ homeHref, theme = "young", showSignOut = false, children }: PublicShellProps) {
  return (
    <div className="shell" data-theme={theme}>
      <header className="masthead masthead--public">
        <div className="masthead__inner">
          <Wordmark to="/" />
          <nav aria-label="Account">
            {homeHref || showSignOut ? null : (
              <Link to="/providers/apply" className="nav-link">
                For providers
              </Link>
            )}{" "}
            {showSignOut ? (
              <SignOut />
            ) : homeHref ? (
              <Link to={homeHref} className="nav-link nav-link--pill">
                My Playpass
              </Link>
            ) : (
              <Link to="/login" className="nav-link nav-link--pill">
                Sign in
              </Link>
            )}
          </nav>
        </div>
      </header>
      <Main>{children}</Main>
    </div>
  );
}
