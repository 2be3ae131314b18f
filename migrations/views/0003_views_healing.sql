CREATE TABLE `rider_dues` (
	`rider_id` text PRIMARY KEY NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL,
	`snapshot` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rider_dues_by_amount` ON `rider_dues` (`amount`);--> statement-breakpoint
CREATE TABLE `view_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`cursor` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `view_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`attempts` integer NOT NULL,
	`received_at` text NOT NULL,
	`replayed_at` text
);
--> statement-breakpoint
CREATE INDEX `view_dead_letters_open` ON `view_dead_letters` (`replayed_at`,`id`);--> statement-breakpoint
CREATE TABLE `view_faults` (
	`id` integer PRIMARY KEY NOT NULL,
	`fault` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_earnings` (
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
-- Edited after drizzle-kit generate: every existing row is a capture, whose id is its ride id.
INSERT INTO `__new_earnings`("id", "ride_id", "driver_id", "fare", "commission", "earning", "currency", "created_at") SELECT "ride_id", "ride_id", "driver_id", "fare", "commission", "earning", "currency", "created_at" FROM `earnings`;--> statement-breakpoint
DROP TABLE `earnings`;--> statement-breakpoint
ALTER TABLE `__new_earnings` RENAME TO `earnings`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `earnings_by_driver` ON `earnings` (`driver_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `earnings_by_ride` ON `earnings` (`ride_id`);--> statement-breakpoint
ALTER TABLE `drivers` ADD `checked_at` text;--> statement-breakpoint
ALTER TABLE `rides` ADD `checked_at` text;