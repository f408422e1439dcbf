// Settings parsing and the unsubscribe answer page.
import { describe, expect, it } from 'vitest';
import { parseAlertSettings } from '../../backend/core/alerts/alertSettings.js';
import { unsubscribePage } from '../../backend/core/alerts/unsubscribePage.js';

describe('alert settings', () => {
  it('fills defaults and refuses what would silently misbehave', () => {
    expect(parseAlertSettings('{"siteUrl":"https://www.example.com"}')).toEqual({ siteUrl: 'https://www.example.com', templateId: 'sale-alert', marketingTool: 'wix', locale: 'en-US' });
    expect(() => parseAlertSettings('{"siteUrl":"https://x.example","marketingTool":"mailchimp"}')).toThrow(/mailchimpListId/);
    expect(() => parseAlertSettings('{"siteUrl":"http://x.example"}')).toThrow(/https/);
    expect(() => parseAlertSettings('{"siteUrl":"https://x.example","marketingtool":"wix"}')).toThrow(/Unrecognized/i);
    expect(() => parseAlertSettings('nope')).toThrow(/not JSON/);
  });
});

describe('unsubscribe page', () => {
  it('answers with static text and a status per outcome', () => {
    expect(unsubscribePage('unsubscribed')).toMatchObject({ status: 200, html: expect.stringContaining('You are unsubscribed') });
    expect(unsubscribePage('invalid_link').status).toBe(400);
    expect(unsubscribePage('already_unsubscribed').html).toContain('noindex');
  });
});
