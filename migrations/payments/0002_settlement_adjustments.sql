CREATE TABLE `settlement_adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`ride_id` text NOT NULL,
	`driver_id` text NOT NULL,
	`fare` integer NOT NULL,
	`commission` integer NOT NULL,
	`earning` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `adjustments_by_ride` ON `settlement_adjustments` (`ride_id`);--> statement-breakpoint
CREATE INDEX `adjustments_by_driver` ON `settlement_adjustments` (`driver_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `adjustments_by_time` ON `settlement_adjustments` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `settlements_by_time` ON `settlements` (`created_at`,`ride_id`);