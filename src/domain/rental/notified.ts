/** The rental events its rider is told about (texts in workers/notification/templates.ts). */
export const NOTIFIED_RENTAL_EVENTS = new Set([
  "RentalConfirmed",
  "RentalKeyIssued",
  "RentalDeclined",
  "RentalCancelled",
  "PaymentRefunded",
  "RentalCompleted",
]);
