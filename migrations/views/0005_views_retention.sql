DROP TABLE `ride_events`;--> statement-breakpoint
CREATE INDEX `deliveries_by_created` ON `notification_deliveries` (`created_at`);