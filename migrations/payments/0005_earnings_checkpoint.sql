CREATE TABLE `driver_earnings` (
	`driver_id` text PRIMARY KEY NOT NULL,
	`earned` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `earnings_checkpoint` (
	`id` integer PRIMARY KEY NOT NULL,
	`through` text NOT NULL
);
