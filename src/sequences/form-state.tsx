/** A form's values, per-field messages and overall message, as a page shows it again after a refusal. */
export interface FormState<V> {
  values: V;
  errors: Record<string, string>;
  message?: string | undefined;
}

export function emptyForm<V>(values: V): FormState<V> {
  return { values, errors: {} };
}
