// EventDetailsPort over Events V3 (`wixEventsV2.getEvent`, elevated): what an alert says about the
// event. The page URL needs the URLS fieldset.
import { auth } from '@wix/essentials';
import { wixEventsV2 } from '@wix/events';
import type { EventDetailsPort } from '../ports.js';
import { sdkErrorCode, sdkErrorStatus } from './sdkErrors.js';

export function wixEventDetails(siteUrl: string): EventDetailsPort {
  const getEvent = auth.elevate(wixEventsV2.getEvent);
  return {
    async get(eventId) {
      let e;
      try {
        e = await getEvent(eventId, { fields: ['URLS'] });
      } catch (err) {
        // An ID that is not an event of this site is "no such event", not a failure of the caller.
        if (sdkErrorStatus(err) === 404 || sdkErrorCode(err) === 'EVENT_NOT_FOUND') return null;
        throw err;
      }
      if (!e) return null;
      const page = typeof e.eventPageUrl === 'string' ? e.eventPageUrl : null;
      return {
        eventId,
        title: e.title ?? 'Your event',
        timeZone: e.dateAndTimeSettings?.timeZoneId ?? null,
        url: page ? new URL(page, siteUrl).toString() : `${siteUrl.replace(/\/$/, '')}/event-details/${e.slug}`,
      };
    },
  };
}
