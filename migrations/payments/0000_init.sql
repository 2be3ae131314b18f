CREATE TABLE `payment_operations` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`ride_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`outcome` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`detail` text,
	`correlation_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `operations_by_ride` ON `payment_operations` (`ride_id`,`kind`);