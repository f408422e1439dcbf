// Settings parsing and the unsubscribe answer page.
import { describe, expect, it } from 'vitest';
import { parseAlertSettings } from '../../backend/core/alerts/alertSettings.js';
import { alertLinkPage } from '../../backend/core/alerts/alertLinkPages.js';

describe('alert settings', () => {
  it('fills defaults and refuses what would silently misbehave', () => {
    expect(parseAlertSettings('{"siteUrl":"https://www.example.com"}')).toEqual({
      siteUrl: 'https://www.example.com', templateId: 'sale-alert', marketingTool: 'wix', locale: 'en-US',
      confirmTemplateId: 'sale-alert-confirm', confirmationsPerHour: 100, consentWording: 'sale-alert-v1',
    });
    expect(() => parseAlertSettings('{"siteUrl":"https://x.example","confirmationsPerHour":0}')).toThrow(/confirmationsPerHour/);
    expect(() => parseAlertSettings('{"siteUrl":"https://x.example","marketingTool":"mailchimp"}')).toThrow(/mailchimpListId/);
    expect(() => parseAlertSettings('{"siteUrl":"http://x.example"}')).toThrow(/https/);
    expect(() => parseAlertSettings('{"siteUrl":"https://x.example","marketingtool":"wix"}')).toThrow(/Unrecognized/i);
    expect(() => parseAlertSettings('nope')).toThrow(/not JSON/);
  });
});

describe('link pages', () => {
  it('answer each outcome with static text; the prompts carry a POST button, the outcomes none', () => {
    expect(alertLinkPage('unsubscribed')).toMatchObject({ status: 200, html: expect.stringContaining('You are unsubscribed') });
    expect(alertLinkPage('invalid_link').status).toBe(400);
    expect(alertLinkPage('already_unsubscribed').html).toContain('noindex');
    expect(alertLinkPage('unsubscribe_prompt').html).toContain('<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(alertLinkPage('confirm_prompt').html).toContain('<form method="post">');
    expect(alertLinkPage('confirmed').html).not.toContain('<form');
  });
});
