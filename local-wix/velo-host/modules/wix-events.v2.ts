// Velo `wix-events.v2`: the same modules as the SDK package @wix/events (ticketDefinitionsV2, orders, …),
// bound to the local Wix through the ambient context.
export * from '@wix/events';
