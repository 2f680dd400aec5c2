// Development outbox: every SMS and email Playpass would have sent, newest first. Off in production.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getDb } from "~/lib/db.server";
import { outboxPageEnabled } from "~/lib/env.server";
import { formatDateTime } from "~/ui/dates";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Outbox (development) – Playpass" }, { name: "robots", content: "noindex" }];

export async function loader(_: LoaderFunctionArgs) {
  if (!outboxPageEnabled()) throw data({ message: "Not found" }, { status: 404 });
  const messages = await getDb().message.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, channel: true, recipient: true, subject: true, body: true, status: true, createdAt: true },
  });
  return { messages: messages.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
}

export default function Outbox() {
  const { messages } = useLoaderData<typeof loader>();
  return (
    <PublicShell>
      <h1>Outbox</h1>
      <p>Messages are not sent in development. This page shows what each person would have received.</p>
      {messages.length === 0 ? <p>No messages yet.</p> : null}
      <ol className="outbox">
        {messages.map((m) => (
          <li key={m.id} className="outbox__message">
            <p className="outbox__meta">
              {m.channel === "SMS" ? "Text" : "Email"} to <strong>{m.recipient}</strong> · {formatDateTime(m.createdAt)}
            </p>
            <p className="outbox__subject">{m.subject}</p>
            <p>{m.body}</p>
          </li>
        ))}
      </ol>
    </PublicShell>
  );
}
