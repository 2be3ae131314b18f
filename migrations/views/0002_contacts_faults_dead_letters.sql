CREATE TABLE `contacts` (
	`user_id` text PRIMARY KEY NOT NULL,
	`phone_sealed` text NOT NULL,
	`phone_hint` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`ride_id` text NOT NULL,
	`body` text NOT NULL,
	`reason` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_faults` (
	`id` integer PRIMARY KEY NOT NULL,
	`fault` text NOT NULL,
	`updated_at` text NOT NULL
);
