ALTER TABLE `rentals` ADD `refund_declined_version` integer;--> statement-breakpoint
ALTER TABLE `rentals` ADD `refund_made_version` integer;--> statement-breakpoint
CREATE INDEX `rentals_refund_declined` ON `rentals` (`updated_at`) WHERE refund_declined_version IS NOT NULL;