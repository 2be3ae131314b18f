CREATE TABLE `earnings` (
	`ride_id` text PRIMARY KEY NOT NULL,
	`driver_id` text NOT NULL,
	`fare` integer NOT NULL,
	`commission` integer NOT NULL,
	`earning` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `earnings_by_driver` ON `earnings` (`driver_id`,`created_at`,`ride_id`);--> statement-breakpoint
ALTER TABLE `rides` ADD `payment_status` text;--> statement-breakpoint
ALTER TABLE `rides` ADD `dispatch_ms` integer;--> statement-breakpoint
CREATE INDEX `rides_by_payment` ON `rides` (`status`,`payment_status`);