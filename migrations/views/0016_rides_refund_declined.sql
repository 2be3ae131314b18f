ALTER TABLE `rides` ADD `refund_declined_version` integer;--> statement-breakpoint
ALTER TABLE `rides` ADD `refund_made_version` integer;--> statement-breakpoint
CREATE INDEX `rides_refund_declined` ON `rides` (`updated_at`) WHERE refund_declined_version IS NOT NULL;