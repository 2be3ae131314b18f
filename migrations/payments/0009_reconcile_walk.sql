CREATE TABLE `reconcile_walk` (
	`id` integer PRIMARY KEY NOT NULL,
	`before_created_at` text NOT NULL,
	`before_ride_id` text NOT NULL
);
