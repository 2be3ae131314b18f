ALTER TABLE `payouts` ADD `told_at` text;--> statement-breakpoint
-- Hand-written: the payouts answered for good before drivers were told of payouts count as told, so no driver hears of an old payout.
UPDATE `payouts` SET `told_at` = `updated_at` WHERE `status` = 'succeeded' OR (`status` = 'failed' AND `retryable` = 0);--> statement-breakpoint
CREATE INDEX `payouts_untold` ON `payouts` (`updated_at`,`id`) WHERE "payouts"."told_at" IS NULL;
