// A group of related controls (radios, checkboxes, an address) under one legend, with the group's
// hint and error tied to it in the manner of the single-field controls in forms.tsx.
import type { ReactNode } from "react";
import { useId } from "react";

type FieldsetProps = {
  legend: ReactNode;
  hint?: ReactNode;
  errors?: ReadonlyArray<string> | null;
  /** The id the error summary links to (the first control in the group). */
  id?: string;
  className?: string;
  children: ReactNode;
};

export function Fieldset({ legend, hint, errors, id, className, children }: FieldsetProps) {
  const fallback = useId();
  const base = id ?? fallback;
  const invalid = (errors?.length ?? 0) > 0;
  const describedBy = [hint ? `${base}-hint` : null, invalid ? `${base}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset className={["fieldset", invalid ? "field--error" : "", className ?? ""].filter(Boolean).join(" ")} aria-describedby={describedBy}>
      <legend className="fieldset__legend">{legend}</legend>
      {hint ? (
        <div id={`${base}-hint`} className="field__hint">
          {hint}
        </div>
      ) : null}
      {invalid ? (
        <p id={`${base}-error`} className="field__error">
          <span className="visually-hidden">Error: </span>
          {errors?.join(" ")}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}

type ChoiceProps = {
  type: "radio" | "checkbox";
  name: string;
  value: string;
  label: ReactNode;
  hint?: ReactNode;
  defaultChecked?: boolean;
  id?: string;
};

/** One radio or checkbox inside a Fieldset, with its label beside it (a 48px tap target). */
export function Choice({ type, name, value, label, hint, defaultChecked, id }: ChoiceProps) {
  const fallback = useId();
  const inputId = id ?? fallback;
  return (
    <div className="checkbox choice">
      <input
        className="checkbox__input"
        type={type}
        id={inputId}
        name={name}
        value={value}
        defaultChecked={defaultChecked}
        aria-describedby={hint ? `${inputId}-hint` : undefined}
      />
      <label className="checkbox__label" htmlFor={inputId}>
        {label}
      </label>
      {hint ? (
        <div id={`${inputId}-hint`} className="field__hint checkbox__hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}
