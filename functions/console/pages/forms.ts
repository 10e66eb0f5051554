/**
 * Forms as the contracts read them. A form's fields are named like the JSON request (`child[name][given]`),
 * so the parsed form has the request's shape; `cleaned` only drops what a browser sends for an empty field,
 * and the contract's own schema does every check, through the same `parseInput` as the API. Its issues'
 * paths name the fields, which is how the GOV.UK error summary links each message to its field.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod/mini';
import { ValidationError } from '../../core/errors.js';
import { parseInput } from '../../shared/http/input.js';

/** Empty text, empty arrays and empty objects are absent, as a JSON client would leave them out. */
export function cleaned(value: unknown): unknown {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(cleaned).filter((item) => item !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).flatMap(([key, item]) => {
      const kept = cleaned(item);
      return kept === undefined ? [] : [[key, kept] as const];
    });
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

/** A textarea of one item per line, as the array the contract takes. */
export function lines(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const items = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  return items.length === 0 ? undefined : items;
}

export type ErrorItem = { readonly text: string; readonly href: string };
export type FormErrors = { readonly list: ErrorItem[]; readonly byField: Record<string, string> };

export const fieldId = (path: string) => path.replaceAll('.', '-');

/**
 * Plain-English messages by field path, falling back to the contract's own; `fields` are the paths the page
 * shows. In both, a list's index is written `*`, so one entry covers every row.
 * The first rule whose path is a prefix of the issue's wins, so one message can cover a group of fields.
 */
export function formErrors(error: ValidationError, messages: Readonly<Record<string, string>>, fields: readonly string[] = []): FormErrors {
  const list: ErrorItem[] = [];
  const byField: Record<string, string> = {};
  const generic = (path: string) => path.replace(/(^|\.)\d+(?=\.|$)/g, '$1*');
  const shown = new Set(fields.map(generic));
  for (const issue of error.issues) {
    const path = generic(issue.path);
    const rule = Object.keys(messages)
      .filter((candidate) => path === candidate || path.startsWith(`${candidate}.`))
      .sort((a, b) => b.length - a.length)[0];
    const text = rule === undefined ? `${humanPath(issue.path)}: ${issue.message}` : (messages[rule] as string);
    // Link to the field the page shows: the issue's own, or the nearest one holding it.
    let target = issue.path;
    while (shown.size > 0 && !shown.has(generic(target)) && target.includes('.')) target = target.slice(0, target.lastIndexOf('.'));
    const id = fieldId(target === '' ? (fields[0] ?? 'main') : target);
    if (byField[id] !== undefined) continue;
    byField[id] = text;
    list.push({ text, href: `#${id}` });
  }
  if (list.length === 0) list.push({ text: error.message, href: '#main-content' });
  return { list, byField };
}

function humanPath(path: string): string {
  const words = path
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .map((part) => part.replace(/([A-Z])/g, ' $1').toLowerCase());
  const text = words.join(' ');
  return text.length === 0 ? 'The form' : text.charAt(0).toUpperCase() + text.slice(1);
}

/** Reads a form with a contract: the request, or the errors to show. */
export function readForm<S extends z.ZodMiniType>(
  schema: S,
  value: unknown,
  messages: Readonly<Record<string, string>>,
  fields: readonly string[] = [],
): { ok: true; value: z.infer<S> } | { ok: false; errors: FormErrors } {
  try {
    return { ok: true, value: parseInput(schema, value ?? {}, 'form') };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, errors: formErrors(error, messages, fields) };
    throw error;
  }
}

/** Identifies one showing of a form, so sending it twice does the change once. */
export const newFormId = () => randomBytes(18).toString('base64url');
