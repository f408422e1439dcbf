// The ticket-definition event payloads, reduced to the definition that changed (or null: logged and acknowledged).
import { describe, expect, it } from 'vitest';
import { definitionChange, saleStartedChange } from '../../backend/core/definitionEvents.js';
import { guid } from '../support/guids.js';

const def = guid('definition-event-def');
const ev = guid('definition-event-event');

describe('legacy definition events (definitionChange)', () => {
  it('takes the definition and the event from {timestamp, eventId, ticketDefinitionId}', () => {
    expect(definitionChange({ timestamp: '2026-12-01T10:00:00.000Z', eventId: ev, ticketDefinitionId: def })).toEqual({ definitionId: def, eventId: ev });
  });

  it.each([
    ['no event ID', { ticketDefinitionId: def }],
    ['an event ID that is not a string', { ticketDefinitionId: def, eventId: 42 }],
    ['an empty event ID', { ticketDefinitionId: def, eventId: '' }],
  ])('keeps the definition with %s (the flows read the event from it)', (_what, event) => {
    expect(definitionChange(event)).toEqual({ definitionId: def, eventId: null });
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['no definition ID', { eventId: ev }],
    ['an empty definition ID', { ticketDefinitionId: '' }],
    ['a definition ID that is not a string', { ticketDefinitionId: 7 }],
    ['a definition ID past 100 characters', { ticketDefinitionId: 'x'.repeat(101) }],
  ])('gives null for %s', (_what, event) => {
    expect(definitionChange(event)).toBeNull();
  });
});

describe('V3 sale started (saleStartedChange)', () => {
  it('takes the entity\'s _id and event', () => {
    expect(saleStartedChange({ data: { ticketDefinition: { _id: def, eventId: ev } }, metadata: { entityId: guid('other') } })).toEqual({ definitionId: def, eventId: ev });
  });

  it('takes `id` as REST spells it, then the metadata\'s entity ID', () => {
    expect(saleStartedChange({ data: { ticketDefinition: { id: def } } })).toEqual({ definitionId: def, eventId: null });
    expect(saleStartedChange({ metadata: { entityId: def } })).toEqual({ definitionId: def, eventId: null });
    expect(saleStartedChange({ data: { ticketDefinition: { _id: 5 } }, metadata: { entityId: def } })).toEqual({ definitionId: def, eventId: null });
  });

  it('drops an event ID past 100 characters', () => {
    expect(saleStartedChange({ data: { ticketDefinition: { _id: def, eventId: 'e'.repeat(101) } } })).toEqual({ definitionId: def, eventId: null });
  });

  it.each([
    ['nothing', undefined],
    ['an empty payload', {}],
    ['an entity without an ID', { data: { ticketDefinition: { eventId: ev } } }],
    ['IDs that are not strings', { data: { ticketDefinition: { _id: 1, id: 2 } }, metadata: { entityId: 3 } }],
    ['a data field that is not an object', { data: 'x' }],
  ])('gives null for %s', (_what, event) => {
    expect(saleStartedChange(event)).toBeNull();
  });
});
