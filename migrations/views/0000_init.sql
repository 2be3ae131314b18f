CREATE TABLE `drivers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`approval` text NOT NULL,
	`product` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL,
	`snapshot` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `drivers_by_status` ON `drivers` (`status`,`approval`);--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`event_id` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`id` text NOT NULL,
	`ride_id` text NOT NULL,
	`event` text NOT NULL,
	`locale` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`correlation_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`event_id`, `channel`, `recipient`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_deliveries_id_unique` ON `notification_deliveries` (`id`);--> statement-breakpoint
CREATE INDEX `deliveries_by_ride` ON `notification_deliveries` (`ride_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ride_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`ride_id` text NOT NULL,
	`version` integer NOT NULL,
	`type` text NOT NULL,
	`occurred_at` text NOT NULL,
	`correlation_id` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ride_events_by_ride` ON `ride_events` (`ride_id`,`version`);--> statement-breakpoint
CREATE TABLE `rides` (
	`id` text PRIMARY KEY NOT NULL,
	`rider_id` text NOT NULL,
	`driver_id` text,
	`status` text NOT NULL,
	`product` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`snapshot` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rides_by_rider` ON `rides` (`rider_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rides_by_driver` ON `rides` (`driver_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rides_by_status` ON `rides` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rides_by_created` ON `rides` (`created_at`,`id`);