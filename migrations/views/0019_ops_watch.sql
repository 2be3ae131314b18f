CREATE TABLE `ops_watch` (
	`name` text PRIMARY KEY NOT NULL,
	`until` integer NOT NULL
);
