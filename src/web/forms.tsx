import type { Child } from 'hono/jsx';
import type { z } from 'zod';
import { Invalid } from '../errors.js';

/** Parses form or JSON input with a zod schema; a failure names each field and its problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'form');
    fields[name] ??= issue.code === 'invalid_type' ? `${name} is missing or not text.` : issue.message;
  }
  throw new Invalid('Please correct the marked fields.', fields);
}

/**
 * parseInput for answers that show one message (query parameters, the no-JS vote and retract buttons): the
 * message itself names each field and its problem.
 */
export function parseNamingFields<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  try {
    return parseInput(schema, input);
  } catch (error) {
    if (error instanceof Invalid) throw new Invalid(Object.values(error.fields).join(' '), error.fields);
    throw error;
  }
}

/**
 * Only the string fields of a parsed form body (files and repeated fields are not ours to accept). A NUL
 * character is refused here: PostgreSQL cannot store it in text, and no one types it.
 */
export function formStrings(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    if (value.includes('\u0000'))
      throw new Invalid(`The field "${key.slice(0, 40)}" contains a NUL character.`, {
        [key]: 'Contains a NUL character.',
      });
    out[key] = value;
  }
  return out;
}

export function Field(props: {
  name: string;
  label: string;
  type?: string;
  value?: string | undefined;
  error?: string | undefined;
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  children?: Child;
}) {
  const id = `field-${props.name}`;
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.type === 'password' ? '' : (props.value ?? '')}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described || undefined}
      />
      <FieldError id={`${id}-error`} error={props.error} />
    </div>
  );
}

/** A field's message, referred to by the field's aria-describedby. */
export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  return error ? (
    <p class="field-error" id={id}>
      {error}
    </p>
  ) : null;
}

/**
 * A text area with its label, hint and error, as Field is for one-line inputs. `id` for a page with several
 * areas of one name (a queue's forms); by default `field-<name>`.
 */
export function TextAreaField(props: {
  name: string;
  label: string;
  hint?: string | undefined;
  value: string;
  error?: string | undefined;
  rows: number;
  id?: string | undefined;
}) {
  const id = props.id ?? `field-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={props.name}
        rows={props.rows}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={describedBy || undefined}
      >
        {props.value}
      </textarea>
      <FieldError id={`${id}-error`} error={props.error} />
    </div>
  );
}

export function FormError({ message }: { message?: string | undefined }) {
  return message ? (
    <p class="form-error" role="alert">
      {message}
    </p>
  ) : null;
}
