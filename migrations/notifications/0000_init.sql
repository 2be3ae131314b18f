CREATE TABLE `notification_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`ride_id` text NOT NULL,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`audience` text NOT NULL,
	`ride_id` text NOT NULL,
	`event` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_by_ride` ON `notification_deliveries` (`ride_id`,`event_id`,`channel`,`recipient`);--> statement-breakpoint
CREATE TABLE `notification_faults` (
	`id` integer PRIMARY KEY NOT NULL,
	`fault` text NOT NULL,
	`updated_at` text NOT NULL
);
