ALTER TABLE `provider_hold_walk` ADD `stuck_since` integer;--> statement-breakpoint
ALTER TABLE `reconcile_walk` ADD `stuck_since` integer;