// Home page code (Velo). Each ticket counter is a custom element placed in the editor with its
// attributes (definition-id, price-point, threshold, template, locale); this binds them to live data.
// The sale-alert sign-up (attribute event-id) is bound to the subscribeToSaleAlerts web method.
import { bindTicketCounters } from 'public/ticket-counter-binding.js';
import { bindSaleAlertSignups } from 'public/sale-alert-signup-binding.js';

$w.onReady(function () {
  bindTicketCounters($w, ['#counterFixed', '#counterOptionAdult', '#counterOptionChild', '#counterUnlimited', '#counterFuture', '#counterSoldOut']);
  bindSaleAlertSignups($w, ['#saleAlertSignup']);
});
