// Home page code (Velo). Each ticket counter is a custom element placed in the editor with its
// attributes (definition-id, price-point, threshold, template, locale); this binds them to live data.
import { bindTicketCounters } from 'public/ticket-counter-binding.js';

$w.onReady(function () {
  bindTicketCounters($w, ['#counterFixed', '#counterOptionAdult', '#counterOptionChild', '#counterUnlimited', '#counterFuture', '#counterSoldOut']);
});
