// A banner that tells the person what just happened or what needs their attention.
import type { ReactNode } from "react";

export type NoticeTone = "info" | "success" | "warning" | "error";

type NoticeProps = {
  tone: NoticeTone;
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
};

// Spoken before the title so the tone never depends on colour or the icon alone.
const toneWords: Record<NoticeTone, string> = {
  info: "Information",
  success: "Success",
  warning: "Warning",
  error: "Error",
};

export function Notice({ tone, title, children, className }: NoticeProps) {
  return (
    <div
      className={`notice notice--${tone}${className ? ` ${className}` : ""}`}
      // Errors interrupt; everything else waits for a pause in speech.
      role={tone === "error" ? "alert" : "status"}
    >
      <NoticeIcon tone={tone} />
      <div className="notice__body">
        {title ? (
          <h2 className="notice__title">
            <span className="visually-hidden">{toneWords[tone]}: </span>
            {title}
          </h2>
        ) : (
          <span className="visually-hidden">{toneWords[tone]}: </span>
        )}
        {children ? <div className="notice__content">{children}</div> : null}
      </div>
    </div>
  );
}

function NoticeIcon({ tone }: { tone: NoticeTone }) {
  const shape: Record<NoticeTone, ReactNode> = {
    info: (
      <>
        <circle cx="12" cy="12" r="10" />
        <path d="M12 11v6M12 7.5v.5" />
      </>
    ),
    success: (
      <>
        <circle cx="12" cy="12" r="10" />
        <path d="m7.5 12.5 3 3 6-7" />
      </>
    ),
    warning: (
      <>
        <path d="M12 3 2 21h20L12 3Z" />
        <path d="M12 10v5M12 18v.5" />
      </>
    ),
    error: (
      <>
        <circle cx="12" cy="12" r="10" />
        <path d="m8.5 8.5 7 7M15.5 8.5l-7 7" />
      </>
    ),
  };
  return (
    <svg className="notice__icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      {shape[tone]}
    </svg>
  );
}
