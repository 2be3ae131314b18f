CREATE TABLE `ledger_deferred` (
	`ride_id` text PRIMARY KEY NOT NULL,
	`retry_after` text NOT NULL,
	`tries` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ledger_deferred_due` ON `ledger_deferred` (`retry_after`);--> statement-breakpoint
CREATE TABLE `ledger_hours` (
	`hour` text NOT NULL,
	`captured` integer NOT NULL,
	`fares` integer NOT NULL,
	`commission` integer NOT NULL,
	`earnings` integer NOT NULL,
	`rides` integer NOT NULL,
	PRIMARY KEY(`hour`, `captured`)
);
--> statement-breakpoint
CREATE TABLE `ledger_letting_go` (
	`ride_id` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger_restores` (
	`ride_id` text PRIMARY KEY NOT NULL,
	`restored_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger_window` (
	`id` integer PRIMARY KEY NOT NULL,
	`after_created_at` text NOT NULL,
	`after_ride_id` text NOT NULL,
	`let_go_before` text DEFAULT '' NOT NULL
);
