/**
 * The ride state machine, as one module to import: the rules table (ride/rules.ts),
 * `decide`/`can` (ride/decide.ts), `plan` (ride/plan.ts) and the one derivation of the
 * payment step (ride/payment.ts).
 */
export * from "./ride/types";
export { RULES, claimedDriver, heldDriver, type Rule } from "./ride/rules";
export { can, decide, decideAll } from "./ride/decide";
export { causeIds, plan, messagesFor, timersFor, watchdogPlan, type Cause, type PlanContext } from "./ride/plan";
export { isSettled, outstandingPaymentStep, paymentCommand, paymentStepAfter } from "./ride/payment";
export { HANDOVER_ATTEMPTS, lockedNotice, withMissedHandover } from "./ride/parcel";
