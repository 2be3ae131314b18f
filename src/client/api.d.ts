/**
 * The API's types, generated from /openapi.json by `npm run client:types` (scripts/client-types.mjs).
 * Do not edit: change the routes or schemas and run it again (CI runs it with --check).
 */
export interface paths {
  "/healthz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the gateway answers */
    get: operations["health"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/readyz": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Whether the gateway can serve: its secrets set, its storage answering */
    get: operations["readiness"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/quotes": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Get a fare quote */
    post: operations["createQuote"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/live/tickets": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * A ticket to open one live socket (browsers)
     * @description For browsers, which cannot set headers on a WebSocket: instead of the token in the socket's URL (where request logs keep it), a ticket that opens only `path`, once, within 30 s, and is taken by no other endpoint (a second opening is 401). The socket it opens ends when the token it was issued under expires.
     */
    post: operations["issueLiveTicket"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/live": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Watch a ride live (WebSocket)
     * @description WebSocket. Sends the Ride JSON at once (the current state), then on every change. Closed with 1000 once the ride is settled, with 4401 at the first frame or ping after the token expires, with 4403 at the first change after a driver may no longer watch the ride (an offer declined, expired, withdrawn or cancelled with the ride; backed out), and with 1012 when it must reconnect. A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).
     */
    get: operations["watchRide"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/live": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Watch the driver's offers and rides live (WebSocket)
     * @description WebSocket. Closed with 4401 at the first frame or ping after the token expires. Sends {"type":"driver",driver,offers} at once, then {"type":"offer",offer} the moment an offer is made and {"type":"ride",ride} on every change of the driver's ride that the driver did not ask for (the answer to an accept, arrive, start or complete carries the ride already). {"type":"driver",driver,offers} again after an operator's decision, when the driver is taken offline for silence, and when they are let go of (no offer left). A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).
     */
    get: operations["watchMyDriverFeed"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/live": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * The operators' live feed (WebSocket)
     * @description WebSocket, one per console, filtered server side; closed with 4401 at the first frame or ping after the token expires. Sends {"type":"snapshot",at,rides,drivers} at once (open rides, drivers not offline; at most 5,000 of each, with truncated:["rides"|"drivers"] naming those cut), then {"type":"ride",ride} on every change of a ride (its last one included) and {"type":"driver",driver} on a driver's change of status and, throttled, of position. The client sends `ping` (answered `pong`) or {"type":"subscribe","topics":["rides","drivers","stats"]} (any subset; default rides and drivers), answered with a fresh snapshot; `?topics=rides,drivers,stats` (any subset; an empty one is none) subscribes from the start, saving that second snapshot; while subscribed to stats, {"type":"stats",at,stats} (the body of GET /v1/ops/stats) at once and every 5 s. A fifth socket of the same user on it closes their oldest with 1008 (a client should not reconnect that one).
     */
    get: operations["opsLive"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/me/contact": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get the masked phone number */
    get: operations["getMyContact"];
    /** Set the phone number for notifications */
    put: operations["setMyContact"];
    post?: never;
    /** Forget the phone number */
    delete: operations["deleteMyContact"];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/me/dues": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get the rider's unpaid dues */
    get: operations["getMyDues"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/me/dues/pay": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Pay the rider's dues */
    post: operations["payMyDues"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the rider's rides */
    get: operations["listMyRides"];
    put?: never;
    /** Request a ride */
    post: operations["createRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a ride */
    get: operations["getRide"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a ride */
    post: operations["cancelRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a ride's timeline */
    get: operations["getRideEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/accept": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Accept an offered ride */
    post: operations["acceptRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/decline": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Decline an offered ride */
    post: operations["declineRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/no-show": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Report that the rider did not show up */
    post: operations["reportNoShow"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/arrive": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Arrive at the pickup */
    post: operations["arriveAtPickup"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/start": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Start the trip */
    post: operations["startRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rides/{id}/complete": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Complete the trip */
    post: operations["completeRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rental-vehicles": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List rental vehicles */
    get: operations["listRentalVehicles"];
    put?: never;
    /**
     * Register a rental vehicle
     * @description With an Idempotency-Key, the same operator's registration sent again (its answer lost, or the vehicle's object down after the fleet listed it) is the same vehicle, never a second one, whatever the body.
     */
    post: operations["registerRentalVehicle"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rental-vehicles": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Find available vehicles nearby */
    get: operations["listNearbyVehicles"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the rider's rentals */
    get: operations["listMyRentals"];
    put?: never;
    /**
     * Rent a vehicle
     * @description With an Idempotency-Key, the same rider's key gets the same rental back. Without one, the same body sent again by its rider within 10 minutes (its answer lost) is answered the rental it made while that rental is live, not 409.
     */
    post: operations["createRental"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rentals": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List all rentals */
    get: operations["listOpsRentals"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals/{id}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a rental */
    get: operations["getRental"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals/{id}/events": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get a rental's timeline */
    get: operations["getRentalEvents"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals/{id}/cancel": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Cancel a rental */
    post: operations["cancelRental"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals/{id}/unlock": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Unlock the rental's vehicle */
    post: operations["unlockRental"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/rentals/{id}/return": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Return the vehicle */
    post: operations["returnRental"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rentals/{id}/refund": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Send a declined rental refund again */
    post: operations["retryRentalRefund"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rentals/{id}/payments": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List a rental's payment ledger */
    get: operations["listRentalPayments"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get the driver's own profile */
    get: operations["getMyDriver"];
    /**
     * Register the driver or update the profile
     * @description Changing the plate or the products sends an approved driver back to `pending`; while the driver has a ride, that change is refused (409).
     */
    put: operations["registerDriver"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/online": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Go online */
    post: operations["goOnline"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/offline": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Go offline
     * @description An open offer is declined first (the ride goes to the next driver); a driver on a trip is refused.
     */
    post: operations["goOffline"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/location": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Report the driver's location
     * @description Every few seconds while online. A driver silent for longer than DRIVER_FRESHNESS_S (30 s) is offered no ride; an available driver silent for DRIVER_OFFLINE_AFTER_S (10 min) is taken offline (DriverWentOffline with reason silent), is told so (KakaoTalk, webhook, the live feed) and comes back by going online; one on the way to a pickup silent for DRIVER_PICKUP_SILENT_S (3 min) is taken off the ride (DriverUnassigned with why silent), which goes to another driver.
     */
    put: operations["reportLocation"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/offers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the driver's open offers */
    get: operations["listMyOffers"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/earnings": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the driver's earnings */
    get: operations["listMyEarnings"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/rides": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the driver's trips */
    get: operations["listMyTrips"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rides": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List all rides */
    get: operations["listOpsRides"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/drivers": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List drivers */
    get: operations["listOpsDrivers"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rides/{id}/retry-payment": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Retry a ride's failed capture */
    post: operations["retryRidePayment"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rides/{id}/refund": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Refund a ride
     * @description Refunds all or part of a captured fare (a completed ride's, or a cancelled ride's no-show fee) through the payment provider. The same request again (same Idempotency-Key, or the same amount and reason) refunds once; once the provider declined it, the same request answers 409 and a new Idempotency-Key asks again.
     */
    post: operations["refundRide"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/rides/{id}/payments": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List a ride's payment ledger */
    get: operations["listRidePayments"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/stats": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get the operating figures */
    get: operations["getOpsStats"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/notifications": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List notification deliveries
     * @description Deliveries made within the delivery log's retention (the DELIVERY_LOG_RETENTION_DAYS setting, 30 days unless configured): older ones are deleted.
     */
    get: operations["listNotifications"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/payments/reconcile": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Reconcile payments now */
    post: operations["reconcilePayments"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/drivers/{id}/approve": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Approve a driver
     * @description The reason is kept on the driver (approvalReason); the driver is notified of the decision. With the vehicle reviewed, a driver who changed it since (plate or products) is not approved: 409.
     */
    post: operations["approveDriver"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/drivers/{id}/reject": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Reject a driver
     * @description A rejected driver is taken offline (after a trip under way), loses its open offer (the ride moves on to the next driver), is taken off a ride not yet picked up (it goes to another driver; the rider is told) and gets 403 driver_not_approved on online and accept. The reason is kept on the driver (approvalReason); the driver is notified of the decision.
     */
    post: operations["rejectDriver"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/notifications/dead-letters": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the notifications given up on
     * @description Notifications whose delivery failed every attempt (NOTIFY_MAX_ATTEMPTS), or that no notification worker could read, newest first. Their deliveries show `failed` in GET /v1/ops/notifications.
     */
    get: operations["listNotificationDeadLetters"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/notifications/replay": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send the notifications given up on again
     * @description Sends open dead letters again (those named, or the oldest, at most 50 a call: `more` says to call again): one message an event, its failed deliveries tried again from the first attempt; a delivery already sent is not sent again, a letter older than the delivery log's retention is not sent (`tooOld`), and each letter sent is marked replayed. Two calls at once never send the same letter. A notification that fails again comes back as a new dead letter. Send it once what failed is mended: a rider's news of an hour ago arrives an hour late.
     */
    post: operations["replayNotificationDeadLetters"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/payments/dead-letters": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * List the payment dead letters
     * @description Payment steps that failed every retry and payment results the gateway could not apply, newest first (their count is `payments.deadLetters` in GET /v1/ops/stats). Each says what it was about, never its body (a step carries the rider's payment method). Nothing replays them by hand: the ride's or rental's watchdog sends its open step again under the same idempotency key; GET /v1/ops/rides/{id}/payments shows where it stands.
     */
    get: operations["listPaymentDeadLetters"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/views/replay": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Replay the views' dead letters
     * @description Projects every dead-lettered views message not replayed yet (at most 150 a call: `more` says to call again) and marks it replayed. A message that fails again stays open with the new reason.
     */
    post: operations["replayViewDeadLetters"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/views/dead-letters": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the views' dead letters */
    get: operations["listViewDeadLetters"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/views/repair": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Run the views repair sweep now
     * @description Runs the repair sweep now (it also runs every minute): stale rows (rides, drivers, riders' dues, rentals, rented vehicles) re-read from their objects, missing earnings copied from the ledger, rides and rentals the ledger knows and the views lack projected from their objects, and a page of the fleet's drivers and vehicles checked for rows the views lack (the walk goes on where the last run stopped).
     */
    post: operations["repairViews"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/views/rebuild": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Rebuild a page of the views from the event logs
     * @description Rebuilds one page of rides and rentals (the views' rides, their rentals, then the ledger's) from their objects: a ride from its event log, with its driver; a rental from its snapshot, with its vehicle. Call again with `nextCursor` until it is null.
     */
    post: operations["rebuildViews"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/balance": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Get the driver's balance */
    get: operations["getMyBalance"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/drivers/me/payouts": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the driver's payouts */
    get: operations["listMyPayouts"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/payouts": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List payouts */
    get: operations["listPayouts"];
    put?: never;
    /**
     * Pay the drivers' balances
     * @description Pays every driver's positive balance of earnings created before the cut-off. Idempotent per cut-off: the same cut-off again pays nobody twice. A payout the provider could not answer is sent again (same idempotency key) by the next run. Each driver is notified of a payout once it is paid or refused for good (event PayoutSent or PayoutFailed; the delivery log files it under the payout's id); a payout cancelled before it was sent, because refunds since its claim left nothing to pay, is not notified.
     */
    post: operations["runPayouts"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/drivers/{id}/payout-account": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /**
     * Set a driver's payout account
     * @description The connected account (Stripe Connect) the driver's payouts are transferred to. Without one, a Stripe payout is refused.
     */
    put: operations["setPayoutAccount"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/ops/reports/commission": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Get the commission report
     * @description Fares, commission and earnings of the rides captured in [from, to), and apart what the platform settled uncaptured. Past the ledger's window (LEDGER_WINDOW_DAYS) rides are counted by the hour their split was made in: an hour that begins in the range counts whole.
     */
    get: operations["getCommissionReport"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/dev/tokens": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mint a token (development only) */
    post: operations["createDevToken"];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/dev/faults": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    /** Inject faults (development only) */
    put: operations["setDevFaults"];
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/v1/dev/metrics": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Calls, messages and writes counted in this run (development only)
     * @description Object calls by object and method, alarms, queue messages sent, consumer runs and D1 writes, counted since the workers started, with the hottest ride, driver, cell and district objects over the last windowS seconds (most requests in one second, and the mean).
     */
    get: operations["getDevMetrics"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/problems": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List the problem codes */
    get: operations["listProblems"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  "/problems/{code}": {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Explain a problem code */
    get: operations["getProblem"];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    /** @description RFC 9457 problem details; `code` is the stable machine code */
    Problem: {
      /**
       * @description The code's page, /problems/{code} (resolve it against the API's URL)
       * @example /problems/not_found
       */
      type: string;
      title: string;
      status: number;
      /** @enum {string} */
      code:
        | "invalid_request"
        | "unauthorized"
        | "forbidden"
        | "not_found"
        | "invalid_transition"
        | "offer_not_available"
        | "driver_not_approved"
        | "trip_too_long"
        | "payload_too_large"
        | "no_drivers_nearby"
        | "rate_limited"
        | "idempotency_conflict"
        | "payment_required"
        | "handover_code_mismatch"
        | "vehicle_unavailable"
        | "unavailable"
        | "internal";
      detail: string;
      /** @description The request's x-request-id */
      requestId?: string;
      /** @description With invalid_request: each failing field */
      errors?: {
        path: string;
        message: string;
      }[];
      dues?: components["schemas"]["Money"];
    };
    /** @description With payment_required: what the caller still owes */
    Money: {
      amount: number;
      /** @enum {string} */
      currency: "KRW";
    };
    Quote: {
      quoteId: string;
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      distanceMeters: number;
      durationSeconds: number;
      fare: components["schemas"]["Money"];
      expiresAt: string;
    };
    QuoteRequest: {
      pickup: components["schemas"]["Place"];
      dropoff: components["schemas"]["Place"];
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      parcel?: components["schemas"]["ParcelRequest"];
    };
    Place: components["schemas"]["LatLng"] & {
      /** @example Yeouido */
      address?: string;
    };
    LatLng: {
      /** @example 37.5219 */
      lat: number;
      /** @example 126.9245 */
      lng: number;
    };
    /** @description Optional on a quote; when given it must fit the product's class */
    ParcelRequest: {
      /**
       * @description parcel_small: up to 10 kg; parcel_large: over 10 kg, up to PARCEL_MAX_KG
       * @example 4.5
       */
      weightKg: number;
      recipient: {
        name: string;
        /**
         * @description A Korean mobile number; kept sealed, never returned or logged
         * @example 010-1234-5678
         */
        phone: string;
      };
      note?: string;
    };
    LiveTicket: {
      /** @description Put it in the socket's URL as `?ticket=` */
      ticket: string;
      /** @example /v1/ops/live */
      path: string;
      /** Format: date-time */
      expiresAt: string;
    };
    Contact: {
      phoneHint: string | null;
      kakao: boolean;
    };
    Dues: {
      dues: components["schemas"]["Money"];
      items: {
        rideId: string;
        amount: components["schemas"]["Money"];
        createdAt: string;
      }[];
    };
    Ride: {
      /** @example rd_0m3k5q8v2c7h1x9z4w6b5n3r */
      id: string;
      /** @enum {string} */
      status: "requested" | "dispatching" | "driver_assigned" | "driver_arrived" | "in_progress" | "payment_pending" | "completed" | "cancelled";
      /** @description Rises by one with every change of the ride: a gap between two pushes is a missed one. */
      version: number;
      riderId: string;
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      pickup: components["schemas"]["Place"];
      dropoff: components["schemas"]["Place"];
      quote: components["schemas"]["Money"];
      driver: {
        id: string;
        name: string;
        vehicle: components["schemas"]["Vehicle"];
        location: components["schemas"]["LatLng"] & (Record<string, never> | null);
      } | null;
      etaSeconds: number | null;
      fare: components["schemas"]["Money"] & (Record<string, never> | null);
      payment: {
        /** @enum {string} */
        status: "pending" | "authorized" | "declined" | "captured" | "voided" | "refunded" | "failed";
        refundedAmount?: components["schemas"]["Money"];
      };
      /** @description Who cancelled, and why. The driver reads `rider_cancelled` or `ops_cancelled` in place of a reason a rider or an operator wrote. */
      cancellation: {
        /** @enum {string} */
        by: "rider" | "driver" | "ops" | "system";
        reason: string;
      } | null;
      distanceMeters: number;
      durationSeconds: number;
      /** @enum {string} */
      locale: "ko" | "en";
      createdAt: string;
      updatedAt: string;
      parcel?: components["schemas"]["Parcel"];
      /**
       * @description Parcel rides, to their sender only: the code the courier needs to complete
       * @example 4821
       */
      handoverCode?: string;
    };
    Vehicle: {
      /** @example 30우8281 */
      plate: string;
      /** @example Hyundai Sonata */
      model: string;
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      /**
       * @description Every product the vehicle serves (default [product]); dispatch matches on these. Changing them sends an approved driver back to pending.
       * @example [
       *       "parcel_large",
       *       "parcel_small"
       *     ]
       */
      products?: ("standard" | "deluxe" | "van" | "parcel_small" | "parcel_large")[];
    };
    /** @description Parcel rides only */
    Parcel: {
      weightKg: number;
      recipient: {
        name: string;
      };
      note: string | null;
    };
    RideRequest: {
      pickup: components["schemas"]["Place"];
      dropoff: components["schemas"]["Place"];
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      /** @example pm_card_visa */
      paymentMethod: string;
      quoteId?: string;
      parcel?: components["schemas"]["ParcelRequest"] & unknown;
    };
    CancelRequest: {
      reason?: string;
    };
    Timeline: {
      items: {
        type: string;
        /** @description The version after the change that made the event: a ride's events of one change share it; a rental counts one per event. */
        version: number;
        occurredAt: string;
        data: {
          [key: string]: unknown;
        };
      }[];
    };
    CompleteRequest: {
      distanceMeters?: number;
      durationSeconds?: number;
      /** @description Parcel rides: the sender's code (wrong or missing: 409 handover_code_mismatch) */
      handoverCode?: string;
    };
    RentalVehicle: {
      /** @example rv_0m3k5q8v2c7h1x9z4w6b5n3r */
      id: string;
      /** @enum {string} */
      kind: "bike" | "scooter" | "car";
      location: components["schemas"]["LatLng"];
      hourlyRate: components["schemas"]["Money"];
      /** @enum {string} */
      status: "available" | "rented";
      version: number;
      createdAt: string;
      updatedAt: string;
    };
    RentalVehicleRequest: {
      /** @enum {string} */
      kind: "bike" | "scooter" | "car";
      location: components["schemas"]["LatLng"];
      /**
       * @description Money per hour, or a whole number of KRW
       * @example {
       *       "amount": 2000,
       *       "currency": "KRW"
       *     }
       */
      hourlyRate:
        | {
            amount: number;
            /** @enum {string} */
            currency: "KRW";
          }
        | number;
    };
    Rental: {
      /** @example rn_0m3k5q8v2c7h1x9z4w6b5n3r */
      id: string;
      vehicleId: string;
      riderId: string;
      hours: number;
      price: components["schemas"]["Money"];
      /** @enum {string} */
      status: "requested" | "confirmed" | "completed" | "cancelled" | "declined";
      /**
       * @description 4 digits; only for the rental's rider, while it is confirmed and once issued
       * @example 4821
       */
      unlockKey: string | null;
      payment: {
        /** @enum {string} */
        status: "pending" | "authorized" | "captured" | "declined" | "voided" | "refunded";
        refundedAmount?: components["schemas"]["Money"];
      };
      /** @description Who cancelled it; `system` with reason `never_unlocked`: its time ran out and its vehicle was never unlocked, so it is refunded in full */
      cancellation: {
        /** @enum {string} */
        by: "rider" | "ops" | "system";
        /** @enum {string} */
        reason?: "never_unlocked";
      } | null;
      confirmedAt: string | null;
      endsAt: string | null;
      unlockedAt: string | null;
      version: number;
      createdAt: string;
      updatedAt: string;
    };
    RentalRequest: {
      vehicleId: string;
      hours: number;
      /** @example pm_card_visa */
      paymentMethod: string;
    };
    UnlockRequest: {
      key: string;
    };
    ReturnRequest: {
      location?: components["schemas"]["LatLng"] & unknown;
    };
    LedgerEntry: {
      idempotencyKey: string;
      kind: string;
      amount: number;
      currency: string;
      outcome: string;
      provider: string;
      providerRef: string | null;
      detail: string | null;
      createdAt: string;
    };
    Driver: {
      id: string;
      name: string;
      vehicle: components["schemas"]["Vehicle"];
      /** @enum {string} */
      approval: "pending" | "approved" | "rejected";
      /** @description The operator's reason for the last decision, or why the driver waits again (vehicle_changed) */
      approvalReason: string | null;
      /** @enum {string} */
      status: "offline" | "available" | "offered" | "on_trip";
      location: components["schemas"]["LatLng"] & (Record<string, never> | null);
      currentRideId: string | null;
      /** @description Grows with every change of the driver: of two copies of one driver (a list's row, a decision's answer), the higher is the newer */
      version: number;
    };
    DriverProfile: {
      name: string;
      vehicle: components["schemas"]["Vehicle"];
    };
    GoOnline: {
      location: components["schemas"]["LatLng"];
    };
    LocationReport: {
      /** @example 37.5219 */
      lat: number;
      /** @example 126.9245 */
      lng: number;
      heading?: number;
    };
    Offer: {
      rideId: string;
      pickup: components["schemas"]["Place"];
      dropoff: components["schemas"]["Place"];
      /**
       * @example standard
       * @enum {string}
       */
      product: "standard" | "deluxe" | "van" | "parcel_small" | "parcel_large";
      quote: components["schemas"]["Money"];
      expiresAt: string;
    };
    DriverDecision: {
      reason?: string;
      vehicle?: components["schemas"]["Vehicle"] & unknown;
    };
    Balance: {
      owed: components["schemas"]["Money"] & unknown;
      paid: components["schemas"]["Money"] & unknown;
      /** @enum {string} */
      currency: "KRW";
    };
    PayoutPage: {
      items: components["schemas"]["Payout"][];
      nextCursor: string | null;
    };
    Payout: {
      id: string;
      amount: components["schemas"]["Money"];
      /** @description The run's cut-off: earnings up to this time are in the payout */
      cutoff: string;
      /**
       * @description failed: not paid; a payout the provider could not answer is sent again (same key) by the next run, a refused one is owed again
       * @enum {string}
       */
      status: "pending" | "succeeded" | "failed";
      createdAt: string;
    };
    PayoutRun: {
      /** @description The run of this cut-off (the same cut-off is the same run) */
      id: string;
      cutoff: string;
      /** @description Payouts made by this call */
      drivers: number;
      total: components["schemas"]["Money"] & unknown;
      /** @description Payouts that failed in this call (see GET /v1/ops/payouts) */
      failed: number;
      /** @description More drivers are owed than one call pays: run the same cut-off again */
      more: boolean;
      /** @description Drivers owed something with no payout account on file (where the provider needs one): not paid, their balance waits for PUT /v1/ops/drivers/{id}/payout-account */
      waitingForAccount: number;
    };
    PayoutRunRequest: {
      /**
       * @description Earnings created before this time are paid (default: now; not in the future)
       * @example 2026-01-31T15:00:00Z
       */
      cutoff?: string;
    };
    OpsPayoutPage: {
      items: components["schemas"]["OpsPayout"][];
      nextCursor: string | null;
    };
    OpsPayout: components["schemas"]["Payout"] & {
      driverId: string;
      runId: string;
      providerRef: string | null;
      detail: string | null;
      updatedAt: string;
    };
    PayoutAccount: {
      /**
       * @description The driver's Stripe Connect account
       * @example acct_1MTfjCQ9PRzxEwkZ
       */
      accountId: string;
    };
    /** @description Captured rides' settled fares and refund adjustments in [from, to): fares = commission + earnings; platform-settled rides apart */
    CommissionReport: {
      fares: components["schemas"]["Money"];
      commission: components["schemas"]["Money"];
      earnings: components["schemas"]["Money"];
      /** @description Captured rides whose fare was settled in the range */
      rides: number;
      /** @description Rides the platform settled without a capture (card declined after boarding): what it paid their drivers */
      settled: {
        earnings: components["schemas"]["Money"];
        rides: number;
      };
    };
    DevTokenRequest: {
      sub: string;
      /** @enum {string} */
      role: "rider" | "driver" | "ops";
      /** @description How long the token lasts (default a day): a short one tries what happens when it expires */
      ttlSeconds?: number;
    };
    ProblemPage: {
      /** @enum {string} */
      code:
        | "invalid_request"
        | "unauthorized"
        | "forbidden"
        | "not_found"
        | "invalid_transition"
        | "offer_not_available"
        | "driver_not_approved"
        | "trip_too_long"
        | "payload_too_large"
        | "no_drivers_nearby"
        | "rate_limited"
        | "idempotency_conflict"
        | "payment_required"
        | "handover_code_mismatch"
        | "vehicle_unavailable"
        | "unavailable"
        | "internal";
      type: string;
      status: number;
      title: string;
      when: string;
      action: string;
      /** @enum {string} */
      retry: "no" | "after-fixing" | "after-retry-after" | "with-backoff";
      retryAdvice: string;
      /** @description The operations that declare the code, as "METHOD /path" */
      endpoints: string[];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  health: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The gateway runs */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {string} */
            status: "ok";
          };
        };
      };
    };
  };
  readiness: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Ready */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {string} */
            status: "ready";
          };
        };
      };
      /** @description unavailable: a required secret missing, or the views database not answering (the detail says which; the exact cause is in the gateway's `not ready` log line) */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  createQuote: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["QuoteRequest"];
      };
    };
    responses: {
      /** @description The quote */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Quote"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description trip_too_long: The trip is too long to serve */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many quote requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  issueLiveTicket: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @example /v1/ops/live */
          path: string;
        };
      };
    };
    responses: {
      /** @description Issued */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["LiveTicket"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  watchRide: {
    parameters: {
      query?: {
        /** @description The bearer token, for browsers that cannot set headers (a `ticket` is safer: URLs are logged) */
        access_token?: string;
        /** @description A ticket from POST /v1/live/tickets for this path (it opens one socket: a second opening with it is 401) */
        ticket?: string;
      };
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description invalid_request: not a WebSocket upgrade */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: no such ride, or not yours */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  watchMyDriverFeed: {
    parameters: {
      query?: {
        /** @description The bearer token, for browsers that cannot set headers (a `ticket` is safer: URLs are logged) */
        access_token?: string;
        /** @description A ticket from POST /v1/live/tickets for this path (it opens one socket: a second opening with it is 401) */
        ticket?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description invalid_request: not a WebSocket upgrade */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: the driver is not registered */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  opsLive: {
    parameters: {
      query?: {
        /** @description The bearer token, for browsers that cannot set headers (a `ticket` is safer: URLs are logged) */
        access_token?: string;
        /** @description A ticket from POST /v1/live/tickets for this path (it opens one socket: a second opening with it is 401) */
        ticket?: string;
        /** @description What to watch from the start: a comma-separated subset of rides, drivers, stats (default rides,drivers) */
        topics?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Switching to WebSocket */
      101: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description invalid_request: not a WebSocket upgrade */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: operators only */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: the views database is not answering: connect again shortly */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getMyContact: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The masked hint */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Contact"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  setMyContact: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @example 010-1234-5678 */
          phone: string;
        };
      };
    };
    responses: {
      /** @description Stored (only a masked hint is ever shown) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Contact"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  deleteMyContact: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Forgotten */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Contact"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getMyDues: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What the rider still owes */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Dues"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  payMyDues: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /** @example pm_card_visa */
          paymentMethod: string;
        };
      };
    };
    responses: {
      /** @description Paid: the dues are zero */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            dues: components["schemas"]["Money"];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payment_required: the charge was declined; the body carries the dues */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many payment attempts; nothing was charged */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: the payment provider (or the platform) did not answer; paying again with the same method never charges twice */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyRides: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "requested" | "dispatching" | "driver_assigned" | "driver_arrived" | "in_progress" | "payment_pending" | "completed" | "cancelled";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rider's rides, newest first; each parcel with its handover code, as the sender reads it */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Ride"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  createRide: {
    parameters: {
      query?: never;
      header?: {
        /** @description 1 to 255 visible ASCII characters (no space) */
        "idempotency-key"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RideRequest"];
      };
    };
    responses: {
      /** @description The ride, accepted */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payment_required: the rider has unpaid dues (the body carries them) */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description trip_too_long: The trip is too long to serve */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many ride requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable; no_drivers_nearby: no driver was free near the pickup lately: request again after Retry-After */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride, strongly consistent */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  cancelRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["CancelRequest"];
      };
    };
    responses: {
      /** @description The cancelled ride */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the ride is over */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getRideEvents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride's timeline */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Timeline"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  acceptRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride after accept */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed; driver_not_approved: a pending or rejected driver */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the ride is no longer waiting for this driver; offer_not_available: not offered to this driver (the same answer whether or not the ride exists) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  declineRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride after decline */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the ride is no longer waiting for this driver; offer_not_available: not offered to this driver (the same answer whether or not the ride exists) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  reportNoShow: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride after no-show */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed; driver_not_approved: a pending or rejected driver: no fee is charged by a driver not approved */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: not at the pickup, or before NO_SHOW_WAIT_S after arriving (the detail says how long is left) */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  arriveAtPickup: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride after arrive */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: not the driver's ride in its accepted state */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  startRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride after start */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: not at the pickup */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  completeRide: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["CompleteRequest"];
      };
    };
    responses: {
      /** @description The ride after complete */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the trip has not started; handover_code_mismatch: a parcel ride without the sender's handoverCode, or with a wrong one (nothing changes but the count of wrong codes); after 5 wrong codes every complete is refused until an operator acts */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listRentalVehicles: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "available" | "rented";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every rental vehicle, newest first (query view) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["RentalVehicle"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  registerRentalVehicle: {
    parameters: {
      query?: never;
      header?: {
        /** @description 1 to 255 visible ASCII characters (no space) */
        "idempotency-key"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RentalVehicleRequest"];
      };
    };
    responses: {
      /** @description The vehicle, available */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["RentalVehicle"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listNearbyVehicles: {
    parameters: {
      query: {
        lat: string;
        lng: string;
        /** @description metres (default 1000, at most 10000) */
        radius?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Available vehicles near the point, nearest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["RentalVehicle"][];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyRentals: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "requested" | "confirmed" | "completed" | "cancelled" | "declined";
        payment?: "pending" | "authorized" | "captured" | "declined" | "voided" | "refunded";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rider's rentals, newest first (query view); each confirmed one with its unlock key */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Rental"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  createRental: {
    parameters: {
      query?: never;
      header?: {
        /** @description 1 to 255 visible ASCII characters (no space) */
        "idempotency-key"?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["RentalRequest"];
      };
    };
    responses: {
      /** @description The rental, requested: the vehicle is held for it while it is charged */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Rental"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payment_required: the rider has unpaid dues (the body carries them) */
      402: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description vehicle_unavailable: the vehicle is in another rental */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listOpsRentals: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "requested" | "confirmed" | "completed" | "cancelled" | "declined";
        payment?: "pending" | "authorized" | "captured" | "declined" | "voided" | "refunded";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every rental, newest first (query view; no keys) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Rental"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getRental: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rental, strongly consistent (its key only for its rider) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Rental"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getRentalEvents: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rental's timeline */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Timeline"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  cancelRental: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rental, cancelled: its key invalidated first, then the payment refunded (a payment still in flight: its hold voided, a late charge refunded); again: the same answer */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Rental"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the vehicle was unlocked already (return it), or the rental is over */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  unlockRental: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["UnlockRequest"];
      };
    };
    responses: {
      /** @description The key is valid and the rental confirmed: the vehicle unlocks */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            /** @enum {boolean} */
            unlocked: true;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: the key is wrong, invalidated, not issued yet, or the rental is not confirmed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  returnRental: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["ReturnRequest"];
      };
    };
    responses: {
      /** @description The rental, completed; the vehicle is available again, where the rider left it when they say where */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Rental"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the vehicle was not unlocked, or the rental is over */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  retryRentalRefund: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The refund the provider declined is on its way again, as a new attempt; asked again while it is out: the same answer */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Rental"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the rental was refunded already, or has no refund the provider declined */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listRentalPayments: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The rental's payment operations in the ledger */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["LedgerEntry"][];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getMyDriver: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The driver */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  registerDriver: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["DriverProfile"];
      };
    };
    responses: {
      /** @description The driver */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: a new plate or other products while the driver has a ride */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  goOnline: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["GoOnline"];
      };
    };
    responses: {
      /** @description The driver, available */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed; driver_not_approved: a pending or rejected driver */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  goOffline: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The driver, offline */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: on a trip */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  reportLocation: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["LocationReport"];
      };
    };
    responses: {
      /** @description Taken */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: too many requests; nothing was done */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyOffers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Open offers */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Offer"][];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyEarnings: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Each captured fare split into earning and commission */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: {
              rideId: string;
              fare: {
                amount: number;
                /** @enum {string} */
                currency: "KRW";
              };
              commission: {
                amount: number;
                /** @enum {string} */
                currency: "KRW";
              };
              earning: {
                amount: number;
                /** @enum {string} */
                currency: "KRW";
              };
              createdAt: string;
            }[];
            total: {
              amount: number;
              /** @enum {string} */
              currency: "KRW";
            };
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyTrips: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The driver's trips */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Ride"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listOpsRides: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "requested" | "dispatching" | "driver_assigned" | "driver_arrived" | "in_progress" | "payment_pending" | "completed" | "cancelled";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description All rides, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Ride"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listOpsDrivers: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        status?: "offline" | "available" | "offered" | "on_trip";
        approval?: "pending" | "approved" | "rejected";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description All drivers, in id order; nextCursor pages on */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["Driver"][];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  retryRidePayment: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description A new capture is on its way (sent again while that capture is on its way: the same retry) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: no failed capture to retry */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  refundRide: {
    parameters: {
      query?: never;
      header?: {
        /** @description 1 to 255 visible ASCII characters (no space) */
        "idempotency-key"?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          /**
           * @description Money, or a whole number of KRW; all that is left of the captured fare when left out
           * @example {
           *       "amount": 3000,
           *       "currency": "KRW"
           *     }
           */
          amount?:
            | number
            | {
                amount: number;
                /** @enum {string} */
                currency: "KRW";
              };
          reason: string;
        };
      };
    };
    responses: {
      /** @description The refund is on its way (payment becomes refunded once the provider confirms) */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Ride"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: nothing captured, more than what is left of the captured fare, or the same refund again after the provider declined it; idempotency_conflict: the Idempotency-Key was used for a refund of another amount or reason */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listRidePayments: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The ride's ledger entries */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: components["schemas"]["LedgerEntry"][];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getOpsStats: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Counts, dispatch-time percentiles, open payment problems, open dues, dead-letter counts */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            ridesByStatus: {
              [key: string]: number;
            };
            dispatchTimeMs: {
              count: number;
              p50: number | null;
              p90: number | null;
              p99: number | null;
            };
            /** @description A capture refused for good (payment_pending, waiting for a retry), or a refund declined with none made since; newest first, at most 100 */
            openPaymentProblems: {
              rideId: string;
              since: string;
              /** @enum {string} */
              problem: "capture_failed" | "refund_declined";
            }[];
            /** @description Rentals whose refund was declined with none made since (POST /v1/ops/rentals/{id}/refund sends it again); newest first, at most 100 */
            openRentalProblems: {
              rentalId: string;
              since: string;
              /** @enum {string} */
              problem: "refund_declined";
            }[];
            /** @description What riders owe, from the views */
            openDues: {
              amount: number;
              currency: string;
              riders: number;
            };
            /** @description Views dead letters not replayed yet (POST /v1/ops/views/replay), notifications given up on and not sent again yet (POST /v1/ops/notifications/replay; null while the notification database does not answer: see errors) */
            deadLetters: {
              views: number;
              notifications: number | null;
            };
            /** @description How full the views and the notification databases are: bytes, D1's limit, their share (from half of it an error line is logged); the ledger's is in payments */
            storage: {
              views: {
                bytes: number;
                limitBytes: number;
                share: number;
              };
              notifications: {
                bytes: number;
                limitBytes: number;
                share: number;
              } | null;
            };
            /** @description Why a part's figures are null: the notification database did not answer (empty when every part answered) */
            errors: {
              notifications?: string;
            };
            payments?: unknown;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listNotifications: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        /** @description What the news is about: a ride's id, a rental's, or a payout's (a driver told of a payout) */
        rideId?: string;
        /** @description One person's deliveries (an operator's decision about a driver is filed under no ride: find it by its driver) */
        recipient?: string;
        status?: "sent" | "failed" | "retrying";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The delivery log, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: {
              id: string;
              rideId: string;
              event: string;
              channel: string;
              recipient: string;
              /** @enum {string} */
              status: "sent" | "failed" | "retrying";
              attempts: number;
              lastError: string | null;
              createdAt: string;
              updatedAt: string;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  reconcilePayments: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What reconciliation fixed */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            openHoldsChecked: number;
            holdsVoided: string[];
            orphanHoldsVoided: string[];
            capturesReported: string[];
            failures: {
              rideId: string;
              error: string;
            }[];
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  approveDriver: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["DriverDecision"];
      };
    };
    responses: {
      /** @description The driver, approved */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description invalid_transition: the driver changed their vehicle since it was reviewed */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  rejectDriver: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["DriverDecision"];
      };
    };
    responses: {
      /** @description The driver, rejectd */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Driver"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listNotificationDeadLetters: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        /** @description true: only those not replayed yet */
        open?: "true" | "false";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The notification dead letters, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: {
              id: string;
              eventId: string;
              /** @description The message's kind: ride.notification, rental.notification, driver.notification, payout.notification */
              kind: string;
              eventType: string | null;
              /** @description The ride, rental or payout it is about (null: a decision about a driver) */
              subjectId: string | null;
              reason: string;
              receivedAt: string;
              replayedAt: string | null;
              body?: unknown;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  replayNotificationDeadLetters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": {
          /** @description The dead letters to send again; none: the oldest open ones, at most 50 a call */
          ids?: string[];
        };
      };
    };
    responses: {
      /** @description What was sent again */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            replayed: number;
            /** @description Ids asked for that are not open: replayed already, being replayed by another call, or no such dead letter */
            notOpen: string[];
            /** @description Ids older than the delivery log's retention (DELIVERY_LOG_RETENTION_DAYS) allows: the log may no longer know what was sent, so they are not sent again */
            tooOld: string[];
            /** @description Kept bodies a notification worker could not read, left open */
            unreadable: string[];
            more: boolean;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listPaymentDeadLetters: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The payment dead letters, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: {
              id: string;
              /** @description ride-payments-dlq (a step) or ride-payment-results-dlq (a result); staging adds -staging */
              queue: string;
              /** @description authorize, capture, void, refund, settle */
              action: string | null;
              /** @description The ride's, rental's or dues account's id */
              rideId: string | null;
              idempotencyKey: string | null;
              /** @description A result's outcome; null for a step */
              outcome: string | null;
              attempts: number;
              receivedAt: string;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  replayViewDeadLetters: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What was replayed */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            replayed: number;
            failed: number;
            more: boolean;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listViewDeadLetters: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        /** @description true: only those not replayed yet */
        open?: "true" | "false";
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The views' dead letters, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            items: {
              id: string;
              kind: string;
              eventType: string | null;
              /** @description The ride, driver or rider the message is about */
              subjectId: string | null;
              reason: string;
              attempts: number;
              receivedAt: string;
              replayedAt: string | null;
              body?: unknown;
            }[];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  repairViews: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What the sweep looked at */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            rides: {
              checked: number;
              missing: number;
              failed: string[];
            };
            drivers: {
              checked: number;
              missing: number;
              failed: string[];
            };
            /** @description Riders' dues rows re-read from their objects: open dues gone quiet, and the riders of rides that ended unpaid */
            riders: {
              checked: number;
              missing: number;
              failed: string[];
            };
            earnings: {
              scanned: number;
              inserted: number;
              error: string | null;
            };
            /** @description Rides and rentals the ledger knows that the views had no row for (inserted: projected from their objects) */
            lost: {
              scanned: number;
              inserted: number;
              error: string | null;
            };
            /** @description Stale rental and rented-vehicle rows projected again */
            rentals: {
              rentals: number;
              vehicles: number;
              /** @description Rows whose object could not be read (`id: error`), asked again at a later run */
              failed: string[];
            };
            /** @description The fleet's drivers and vehicles read this run, and those the views had no row for, projected from their objects */
            roster: {
              drivers: {
                read: number;
                projected: number;
                failed: string[];
              };
              vehicles: {
                read: number;
                projected: number;
                failed: string[];
              };
            };
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  rebuildViews: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": {
          /** @description nextCursor of the previous page; none: from the start */
          cursor?: string;
          /** @description Rides or rentals per page (default 20) */
          limit?: number;
        };
      };
    };
    responses: {
      /** @description One page rebuilt */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            rebuilt: number;
            /** @description Ride and rental ids no object knows */
            missing: string[];
            failed: string[];
            nextCursor: string | null;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getMyBalance: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description What the driver is owed and was paid */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["Balance"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listMyPayouts: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The driver's payouts, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PayoutPage"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listPayouts: {
    parameters: {
      query?: {
        limit?: number;
        cursor?: string;
        driverId?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The payouts made, newest first */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["OpsPayoutPage"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  runPayouts: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: {
      content: {
        "application/json": components["schemas"]["PayoutRunRequest"];
      };
    };
    responses: {
      /** @description What this call paid */
      202: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PayoutRun"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  setPayoutAccount: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["PayoutAccount"];
      };
    };
    responses: {
      /** @description Set */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["PayoutAccount"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: no driver with this id */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getCommissionReport: {
    parameters: {
      query: {
        /** @description Start of the range (inclusive) */
        from: string;
        /** @description End of the range (exclusive) */
        to: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Fares, commission and earnings settled in the range */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": components["schemas"]["CommissionReport"];
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unauthorized: Authentication required */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description forbidden: Not allowed */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: Not found */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description unavailable: Temporarily unavailable */
      503: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  createDevToken: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": components["schemas"]["DevTokenRequest"];
      };
    };
    responses: {
      /** @description A token for the subject and role (development only) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            token: string;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: not in development */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  setDevFaults: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        "application/json": {
          payment?: {
            /** @enum {string} */
            mode: "ok" | "down" | "slow" | "flaky";
            latencyMs?: number;
            failureRate?: number;
            declineCaptures?: boolean;
            declineRefunds?: boolean;
          };
          notification?: {
            /** @enum {string} */
            mode: "ok" | "down" | "slow" | "flaky";
            latencyMs?: number;
            failureRate?: number;
            declineCaptures?: boolean;
            declineRefunds?: boolean;
          };
          views?: {
            /** @enum {string} */
            mode: "ok" | "down";
          };
          keys?: {
            /** @enum {string} */
            mode: "ok" | "down" | "slow";
            latencyMs?: number;
          };
        };
      };
    };
    responses: {
      /** @description The faults now in force */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            payment?: {
              /** @enum {string} */
              mode: "ok" | "down" | "slow" | "flaky";
              latencyMs?: number;
              failureRate?: number;
              declineCaptures?: boolean;
              declineRefunds?: boolean;
            };
            notification?: {
              /** @enum {string} */
              mode: "ok" | "down" | "slow" | "flaky";
              latencyMs?: number;
              failureRate?: number;
              declineCaptures?: boolean;
              declineRefunds?: boolean;
            };
            views?: {
              /** @enum {string} */
              mode: "ok" | "down";
            };
            keys?: {
              /** @enum {string} */
              mode: "ok" | "down" | "slow";
              latencyMs?: number;
            };
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: not in development */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getDevMetrics: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The gateway's counters (with every object it hosts) and the payment worker's (null when it does not answer) */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/json": {
            windowS: number;
            hottest: {
              ride: {
                maxPerSecond: number;
                meanPerSecond: number;
                object: string;
                total: number;
              }[];
              driver: {
                maxPerSecond: number;
                meanPerSecond: number;
                object: string;
                total: number;
              }[];
              cell: {
                maxPerSecond: number;
                meanPerSecond: number;
                object: string;
                total: number;
              }[];
              district: {
                maxPerSecond: number;
                meanPerSecond: number;
                object: string;
                total: number;
              }[];
            };
            d1: {
              [key: string]: {
                maxPerSecond: number;
                meanPerSecond: number;
                statements: number;
                transactions: number;
                rows: number;
              };
            };
            gateway: {
              windowS: number;
              totals: {
                [key: string]: number;
              };
              hottest: {
                [key: string]: {
                  maxPerSecond: number;
                  meanPerSecond: number;
                  object: string;
                  total: number;
                }[];
              };
              rates: {
                [key: string]: {
                  maxPerSecond: number;
                  meanPerSecond: number;
                };
              };
            };
            payment: {
              windowS: number;
              totals: {
                [key: string]: number;
              };
              hottest: {
                [key: string]: {
                  maxPerSecond: number;
                  meanPerSecond: number;
                  object: string;
                  total: number;
                }[];
              };
              rates: {
                [key: string]: {
                  maxPerSecond: number;
                  meanPerSecond: number;
                };
              };
            } | null;
            elsewhere: string;
          };
        };
      };
      /** @description invalid_request: The request is not valid */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description not_found: not in development */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  listProblems: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Every code: HTML, or JSON with Accept: application/json */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/html": string;
          "application/json": {
            items: components["schemas"]["ProblemPage"][];
          };
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
  getProblem: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        code: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The code's page: HTML, or JSON with Accept: application/json */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "text/html": string;
          "application/json": components["schemas"]["ProblemPage"];
        };
      };
      /** @description not_found: no such code */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description payload_too_large: The request body is too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description rate_limited: Too many requests */
      429: {
        headers: {
          /** @description Seconds to wait before sending the same request again (see the code's /problems page) */
          "Retry-After"?: number;
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
      /** @description internal: Internal error */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          "application/problem+json": components["schemas"]["Problem"];
        };
      };
    };
  };
}
