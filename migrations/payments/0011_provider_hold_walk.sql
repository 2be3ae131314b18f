CREATE TABLE `provider_hold_walk` (
	`id` integer PRIMARY KEY NOT NULL,
	`before_s` integer NOT NULL,
	`span_s` integer NOT NULL
);
