CREATE TABLE `payout_accounts` (
	`driver_id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `payout_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`cutoff` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`driver_id` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`cutoff` text NOT NULL,
	`status` text NOT NULL,
	`retryable` integer DEFAULT 0 NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`detail` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `payouts_by_driver` ON `payouts` (`driver_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_by_time` ON `payouts` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `payouts_by_status` ON `payouts` (`status`,`retryable`);