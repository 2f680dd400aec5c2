// Form controls in the GOV.UK manner: a label, an optional hint, an error in plain words at body
// size, all tied to the control by id. They take Conform's get*Props output or plain props alike.
import { useFormAction, useNavigation } from "@remix-run/react";
import type {
  ButtonHTMLAttributes,
  InputHTMLAttributes,
  MouseEvent,
  ReactNode,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from "react";
import { useEffect, useId, useRef, type RefObject } from "react";

// Conform's get*Props include a React key (it changes to reset a field); it cannot be spread.
type WithKey = { key?: string | undefined };
export type FieldInputProps = InputHTMLAttributes<HTMLInputElement> & WithKey;
export type FieldTextareaProps = TextareaHTMLAttributes<HTMLTextAreaElement> & WithKey;
export type FieldSelectProps = SelectHTMLAttributes<HTMLSelectElement> & WithKey;

type Errors = ReadonlyArray<string> | null | undefined;

/**
 * An action's answer to a form as plain data: Conform's `submission.reply()` (errors by field name, "" for the
 * form's own, and what was sent). The young people's pages read it with these helpers and check their forms in the
 * action only, so neither Conform nor Zod is sent to their browsers.
 */
export type FormReply = { error?: Record<string, Errors> | null; initialValue?: Record<string, unknown> | null } | null | undefined;

/** A field's messages in the reply ("" for the form's own), or undefined when it has none. */
export function replyErrors(reply: FormReply, name: string): string[] | undefined {
  const errors = reply?.error?.[name];
  return errors && errors.length > 0 ? [...errors] : undefined;
}

/** What was sent in a field, to fill it again when the page comes back with errors (as it does without JavaScript). */
export function replyValue(reply: FormReply, name: string): string | undefined {
  const value = reply?.initialValue?.[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * For a form checked only by its action: empties the form once the action accepts it (with JavaScript the page
 * stays, so its fields would keep what was sent; give them `defaultValue={replyValue(reply, name) ?? ""}` so the reset
 * finds them empty) and, when a reply comes back with errors, moves focus to the first field it marks invalid
 * (unless an ErrorSummary on the page has taken focus to list them).
 */
export function useFormReply(reply: FormReply, accepted: boolean): RefObject<HTMLFormElement> {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = ref.current;
    if (!form || !reply) return;
    if (accepted) form.reset();
    else if (!document.activeElement?.closest(".error-summary")) form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [reply, accepted]);
  return ref;
}

type FieldFrameProps = {
  label: ReactNode;
  hint?: ReactNode;
  errors?: Errors;
  className?: string;
};

/**
 * Ids and aria attributes shared by every control. The error id matches Conform's
 * (`${id}-error`) so its own aria-describedby points at our message.
 */
function useFieldIds(
  props: { id?: string; "aria-describedby"?: string; "aria-invalid"?: InputHTMLAttributes<HTMLInputElement>["aria-invalid"] },
  hint: ReactNode,
  errors: Errors,
) {
  const fallbackId = useId();
  const id = props.id ?? fallbackId;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const invalid = (errors?.length ?? 0) > 0;
  const describedBy = new Set((props["aria-describedby"] ?? "").split(/\s+/).filter(Boolean));
  if (hint) describedBy.add(hintId);
  if (invalid) describedBy.add(errorId);
  else describedBy.delete(errorId); // no dangling reference to a message that is not on the page
  return {
    id,
    hintId,
    errorId,
    invalid,
    aria: {
      "aria-describedby": describedBy.size > 0 ? [...describedBy].join(" ") : undefined,
      "aria-invalid": invalid || props["aria-invalid"] === true || props["aria-invalid"] === "true" ? true : undefined,
    },
  };
}

function FieldFrame({
  label,
  hint,
  errors,
  className,
  ids,
  children,
}: FieldFrameProps & { ids: ReturnType<typeof useFieldIds>; children: ReactNode }) {
  return (
    <div className={["field", ids.invalid ? "field--error" : "", className ?? ""].filter(Boolean).join(" ")}>
      <label htmlFor={ids.id} className="field__label">
        {label}
      </label>
      {hint ? (
        <div id={ids.hintId} className="field__hint">
          {hint}
        </div>
      ) : null}
      {ids.invalid ? <FieldError id={ids.errorId} errors={errors ?? []} /> : null}
      {children}
    </div>
  );
}

/** A field's or fieldset's error, read out first ("Error: ...") by screen readers; `id` is what aria-describedby names. */
export function FieldError({ id, errors }: { id: string; errors: readonly string[] }) {
  return (
    <p id={id} className="field__error">
      <span className="visually-hidden">Error: </span>
      {errors.join(" ")}
    </p>
  );
}

type FieldProps = FieldFrameProps & { inputProps: FieldInputProps };

/** A one-line text input (text, email, tel, number, date, file...). */
export function Field({ label, hint, errors, className, inputProps }: FieldProps) {
  const { key, className: inputClass, ...rest } = inputProps;
  const ids = useFieldIds(rest, hint, errors);
  return (
    <FieldFrame label={label} hint={hint} errors={errors} className={className} ids={ids}>
      <input key={key} type="text" {...rest} id={ids.id} {...ids.aria} className={inputClass ? `input ${inputClass}` : "input"} />
    </FieldFrame>
  );
}

type TextareaFieldProps = FieldFrameProps & { textareaProps: FieldTextareaProps };

export function TextareaField({ label, hint, errors, className, textareaProps }: TextareaFieldProps) {
  const { key, className: inputClass, ...rest } = textareaProps;
  const ids = useFieldIds(rest, hint, errors);
  return (
    <FieldFrame label={label} hint={hint} errors={errors} className={className} ids={ids}>
      <textarea key={key} rows={5} {...rest} id={ids.id} {...ids.aria} className={inputClass ? `input textarea ${inputClass}` : "input textarea"} />
    </FieldFrame>
  );
}

export type SelectOption = { value: string; label: string; disabled?: boolean };

type SelectFieldProps = FieldFrameProps & {
  selectProps: FieldSelectProps;
  options: ReadonlyArray<SelectOption>;
  /** A first, empty choice such as "Choose a category". */
  placeholder?: string;
};

export function SelectField({ label, hint, errors, className, selectProps, options, placeholder }: SelectFieldProps) {
  const { key, className: inputClass, ...rest } = selectProps;
  const ids = useFieldIds(rest, hint, errors);
  return (
    <FieldFrame label={label} hint={hint} errors={errors} className={className} ids={ids}>
      <select key={key} {...rest} id={ids.id} {...ids.aria} className={inputClass ? `input select ${inputClass}` : "input select"}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value} disabled={option.disabled}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

type CheckboxFieldProps = FieldFrameProps & { inputProps: FieldInputProps };

/** One checkbox with its label beside it; the whole label is a tap target at least 48px high. */
export function CheckboxField({ label, hint, errors, className, inputProps }: CheckboxFieldProps) {
  const { key, className: inputClass, ...rest } = inputProps;
  const ids = useFieldIds(rest, hint, errors);
  return (
    <div className={["field", "field--checkbox", ids.invalid ? "field--error" : "", className ?? ""].filter(Boolean).join(" ")}>
      {ids.invalid ? <FieldError id={ids.errorId} errors={errors ?? []} /> : null}
      <div className="checkbox">
        <input key={key} {...rest} type="checkbox" id={ids.id} {...ids.aria} className={inputClass ? `checkbox__input ${inputClass}` : "checkbox__input"} />
        <label htmlFor={ids.id} className="checkbox__label">
          {label}
        </label>
      </div>
      {hint ? (
        <div id={ids.hintId} className="field__hint checkbox__hint">
          {hint}
        </div>
      ) : null}
    </div>
  );
}

export type FormError = { message: string; fieldId?: string };

type ErrorSummaryProps = {
  errors: ReadonlyArray<FormError>;
  title?: ReactNode;
};

/**
 * The GOV.UK error summary: every problem at the top of the page, each linking to its field.
 * It takes focus when a submission comes back with errors, so screen reader users hear them;
 * validation on blur does not steal focus from someone still filling in the form.
 */
export function ErrorSummary({ errors, title = "There is a problem" }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  const headingId = useId();
  const navigation = useNavigation();
  // A page that arrives with errors was itself the answer to a submission (without JavaScript).
  const submitted = useRef(true);
  const wasBusy = useRef(false);

  const seen = new Set<string>();
  const unique = errors.filter((error) => {
    const signature = `${error.fieldId ?? ""}\u0000${error.message}`;
    if (seen.has(signature)) return false;
    seen.add(signature);
    return true;
  });
  const signature = [...seen].join("\u0001");

  useEffect(() => {
    const onSubmit = () => {
      submitted.current = true;
    };
    document.addEventListener("submit", onSubmit, true);
    return () => document.removeEventListener("submit", onSubmit, true);
  }, []);

  useEffect(() => {
    if (navigation.state !== "idle") {
      wasBusy.current = true;
      return;
    }
    if (submitted.current && unique.length > 0) {
      ref.current?.focus();
      submitted.current = false;
    } else if (wasBusy.current) {
      submitted.current = false; // that submission came back without errors
    }
    wasBusy.current = false;
  }, [signature, navigation.state]); // the signature stands for the errors

  if (unique.length === 0) return null;
  return (
    <div ref={ref} className="error-summary" tabIndex={-1} role="alert" aria-labelledby={headingId}>
      <h2 id={headingId} className="error-summary__title">
        {title}
      </h2>
      <ul className="error-summary__list">
        {unique.map((error) => (
          <li key={`${error.fieldId ?? ""}:${error.message}`}>
            {error.fieldId ? (
              <a href={`#${error.fieldId}`} onClick={(event) => focusField(event, error.fieldId!)}>
                {error.message}
              </a>
            ) : (
              error.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

// Without JavaScript the fragment link scrolls to the field; with it, the field also takes focus
// and its label (above the field) stays in view.
function focusField(event: MouseEvent<HTMLAnchorElement>, fieldId: string) {
  const field = document.getElementById(fieldId);
  if (!field) return;
  event.preventDefault();
  const label = document.querySelector(`label[for="${CSS.escape(fieldId)}"]`);
  (label ?? field).scrollIntoView({ block: "start" });
  field.focus({ preventScroll: true });
}

type SubmitButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type"> & {
  /** The form's action when it posts somewhere other than the current route. */
  action?: string;
  /** Shown instead of the label while the form is being sent. */
  pendingText?: ReactNode;
  variant?: "primary" | "secondary" | "warning" | "huge";
};

/**
 * A real submit button that works without JavaScript; with it, the button disables itself
 * while its own form is being sent so a double tap cannot send it twice.
 */
export function SubmitButton({ action, pendingText, variant = "primary", className, disabled, children, ...rest }: SubmitButtonProps) {
  const navigation = useNavigation();
  const target = useFormAction(rest.formAction ?? action);
  const sameButton =
    rest.name === undefined || rest.value === undefined || navigation.formData?.get(rest.name) === String(rest.value);
  const pending = navigation.state === "submitting" && navigation.formAction === target && sameButton;
  const classes = ["button", variant === "primary" ? "" : `button--${variant}`, className ?? ""].filter(Boolean).join(" ");
  return (
    <button type="submit" {...rest} className={classes} disabled={disabled || pending} aria-busy={pending || undefined}>
      {pending && pendingText ? pendingText : children}
    </button>
  );
}

/**
 * A trap for spam bots: a field people never see or reach, named like one bots love to fill.
 * The action rejects any submission where `website` is not empty.
 */
export function Honeypot() {
  const id = useId();
  return (
    <div className="honeypot" aria-hidden="true">
      <label htmlFor={id}>Leave this empty</label>
      <input id={id} name="website" type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
    </div>
  );
}
