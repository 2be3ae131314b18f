CREATE TABLE `driver_payouts` (
	`driver_id` text PRIMARY KEY NOT NULL,
	`taken` integer NOT NULL,
	`payouts` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `payouts` ADD `folded` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `payouts_unfolded` ON `payouts` (`folded`,`driver_id`);--> statement-breakpoint
CREATE INDEX `payouts_by_cutoff` ON `payouts` (`cutoff`,`folded`,`driver_id`);