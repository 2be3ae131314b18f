CREATE TABLE `rental_vehicles` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`lat` real NOT NULL,
	`lng` real NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`snapshot` text NOT NULL,
	`checked_at` text
);
--> statement-breakpoint
CREATE INDEX `rental_vehicles_by_place` ON `rental_vehicles` (`status`,`lat`,`lng`);--> statement-breakpoint
CREATE INDEX `rental_vehicles_by_created` ON `rental_vehicles` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `rentals` (
	`id` text PRIMARY KEY NOT NULL,
	`rider_id` text NOT NULL,
	`vehicle_id` text NOT NULL,
	`status` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`snapshot` text NOT NULL,
	`checked_at` text
);
--> statement-breakpoint
CREATE INDEX `rentals_by_rider` ON `rentals` (`rider_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_by_status` ON `rentals` (`status`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `rentals_by_created` ON `rentals` (`created_at`,`id`);