import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { AcknowledgeRequest, CreateAlertRequest } from '../../../contracts/alerts.js';
import { cleaned, lines, readForm } from '../../../functions/console/pages/forms.js';

describe('forms read as the contract reads a request', () => {
  it('drops what a browser sends for empty fields, at any depth', () => {
    expect(cleaned({ a: '', b: ' ', c: 'x', d: { e: '', f: [] }, g: ['', 'y'], h: [{ i: '' }] })).toEqual({ c: 'x', g: ['y'] });
    expect(cleaned({})).toBeUndefined();
  });

  it('keeps typed text as typed (the contract trims), and lists one item a line', () => {
    expect(cleaned({ name: '  Test Child-Alpha  ' })).toEqual({ name: '  Test Child-Alpha  ' });
    expect(lines('Alpha\r\n\n  Beta  \n')).toEqual(['Alpha', 'Beta']);
    expect(lines('\n \n')).toBeUndefined();
    expect(lines(['not text'])).toBeUndefined();
  });

  it("turns the contract's issues into plain English, each linked to its field", () => {
    const read = readForm(AcknowledgeRequest, { outcome: 'REDIRECTED' }, { outcome: 'Select an outcome', redirectTo: 'Select the area' }, [
      'outcome',
      'redirectTo',
    ]);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.list).toEqual([{ text: 'Select the area', href: '#redirectTo' }]);
    expect(read.errors.byField).toEqual({ redirectTo: 'Select the area' });
  });

  it('links an issue inside a list to the row it is in, by the same rule for every row', () => {
    const read = readForm(
      z.pick(CreateAlertRequest, { recipients: true }),
      { recipients: [{ area: 'north-tyneside', scopes: ['IDENTITY'] }, { area: 'Not An Area!' }] },
      { 'recipients.*.area': 'Select an area', 'recipients.*.scopes': 'Select what it may see' },
      ['recipients.1.area', 'recipients.1.scopes'],
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.list).toEqual([
      { text: 'Select an area', href: '#recipients-1-area' },
      { text: 'Select what it may see', href: '#recipients-1-scopes' },
    ]);
  });

  it("falls back to the contract's own words, naming the field, when no message is written for it", () => {
    const read = readForm(AcknowledgeRequest, { outcome: 'ACCEPTED', note: 'x'.repeat(4001) }, {}, ['note']);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.errors.list[0]?.href).toBe('#note');
    expect(read.errors.list[0]?.text).toMatch(/^Note: /);
  });

  it('returns the request the contract parsed', () => {
    const read = readForm(AcknowledgeRequest, { outcome: 'ACCEPTED', note: '  fine  ' }, {});
    expect(read).toEqual({ ok: true, value: { outcome: 'ACCEPTED', note: 'fine' } });
  });
});
