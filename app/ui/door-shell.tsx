// Door staff's frame: the provider's name, the door and sign out, nothing they cannot use.
import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { Wordmark } from "./shells";

export function DoorShell({ providerName, children }: { providerName: string; children: ReactNode }) {
  return (
    <div className="shell" data-theme="provider">
      <header className="topbar">
        <div className="topbar__inner">
          <Wordmark to="/provider/door" />
          <p className="topbar__org">{providerName}</p>
          <nav className="topbar__nav" aria-label="Provider">
            <ul className="nav-list">
              <li>
                <Form method="post" action="/logout" className="sign-out">
                  <button type="submit" className="nav-button">
                    Sign out
                  </button>
                </Form>
              </li>
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
