ALTER TABLE `rider_dues` ADD `checked_at` text;--> statement-breakpoint
CREATE INDEX `rides_unpaid` ON `rides` (`updated_at`) WHERE status = 'completed' AND payment_status = 'failed';