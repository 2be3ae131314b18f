CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settlements` (
	`ride_id` text PRIMARY KEY NOT NULL,
	`driver_id` text NOT NULL,
	`fare` integer NOT NULL,
	`commission` integer NOT NULL,
	`earning` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `settlements_by_driver` ON `settlements` (`driver_id`,`created_at`);